package io.tollgate.analytics.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An org's statement for a calendar month (UTC): one line per key and requested model, and from
 * them the figures by model, by key and in total.
 *
 * @param complete  the month had ended when the statement was made (else it is a statement to date)
 */
record Statement(String org, YearMonth month, List<Line> lines, Instant generatedAt, boolean complete) {

  record Line(String keyId, String model, StatementFigures figures) {
  }

  static Instant start(YearMonth month) {
    return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static Instant end(YearMonth month) {
    return start(month.plusMonths(1));
  }

  StatementFigures totals() {
    return lines.stream().map(Line::figures).reduce(StatementFigures.ZERO, StatementFigures::plus);
  }

  /** Model → figures, models in order. */
  Map<String, StatementFigures> byModel() {
    return grouped(Line::model);
  }

  /** Key → figures, keys in order. */
  Map<String, StatementFigures> byKey() {
    return grouped(Line::keyId);
  }

  private Map<String, StatementFigures> grouped(Function<Line, String> by) {
    Map<String, StatementFigures> groups = new TreeMap<>();
    for (Line line : lines) {
      groups.merge(by.apply(line), line.figures(), StatementFigures::plus);
    }
    return groups;
  }

  JsonObject json() {
    return new JsonObject()
        .put("org", org)
        .put("month", month.toString())
        .put("from", start(month).toString())
        .put("to", end(month).toString())
        .put("currency", "USD")
        .put("complete", complete)
        .put("generated_at", generatedAt.toString())
        .put("totals", totals().json())
        .put("by_model", entries(byModel(), "model"))
        .put("by_key", entries(byKey(), "key_id"))
        .put("lines", new JsonArray(lines.stream()
            .map(line -> (Object) new JsonObject().put("key_id", line.keyId()).put("model", line.model())
                .mergeIn(line.figures().json()))
            .toList()));
  }

  private static JsonArray entries(Map<String, StatementFigures> groups, String field) {
    JsonArray entries = new JsonArray();
    groups.forEach((name, figures) -> entries.add(new JsonObject().put(field, name).mergeIn(figures.json())));
    return entries;
  }
}
