package io.tollgate.analytics.api;

import io.tollgate.analytics.store.StatementQueries;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/orgs/{org}/statements/{yyyy-mm}?format=json|csv|html}: an org's usage and cost for
 * a calendar month (UTC) by key and model, by model, by key and in total. JSON and HTML are built
 * from the lines at once (an org's keys × models); CSV streams the lines from a cursor, then a total.
 */
final class StatementEndpoint {

  /** The CSV's columns: one "usage" line per key and model, then one "total" line. */
  static final List<String> CSV_COLUMNS = List.of("line", "month", "org_id", "key_id", "model", "requests", "errors",
      "prompt_tokens", "completion_tokens", "cached_tokens", "reasoning_tokens", "cost_usd");
  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
  private static final int FETCH_ROWS = 500;

  private final Pool pool;
  private final Orgs orgs;
  private final Clock clock;

  StatementEndpoint(Pool pool, Orgs orgs, Clock clock) {
    this.pool = pool;
    this.orgs = orgs;
    this.clock = clock;
  }

  Future<Void> handle(RoutingContext ctx) {
    String org = ctx.pathParam("org");
    YearMonth month = month(ctx.pathParam("month"));
    String format = ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
    if (!List.of("json", "csv", "html").contains(format)) {
      throw ApiError.badRequest("invalid_format", "format must be json, csv or html, got \"" + format + "\"");
    }
    OffsetDateTime from = Statement.start(month).atOffset(ZoneOffset.UTC);
    OffsetDateTime to = Statement.end(month).atOffset(ZoneOffset.UTC);
    HttpServerResponse response = ctx.response();
    if (format.equals("csv")) {
      return orgs.requireReadable(Authentication.of(ctx), org).compose(v -> StatementQueries.streamLines(pool, org, from, to, FETCH_ROWS, rows -> {
        response.setChunked(true)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
            .putHeader("content-disposition", "attachment; filename=\"" + fileName(org, month) + ".csv\"");
        StatementFigures[] total = {StatementFigures.ZERO};
        return CsvStream.write(rows, response, String.join(",", CSV_COLUMNS), (out, row) -> {
          StatementFigures figures = StatementFigures.of(row);
          total[0] = total[0].plus(figures);
          csvLine(out, "usage", month, org, row.getString("key_id"), row.getString("model"), figures);
        }, () -> csvLine(Buffer.buffer(), "total", month, org, "", "", total[0]).toString());
      }));
    }
    return orgs.requireReadable(Authentication.of(ctx), org)
        .compose(v -> StatementQueries.lines(pool, org, from, to))
        .map(rows -> {
          List<Statement.Line> lines = new ArrayList<>();
          for (Row row : rows) {
            lines.add(new Statement.Line(row.getString("key_id"), row.getString("model"), StatementFigures.of(row)));
          }
          Instant now = clock.instant();
          return new Statement(org, month, lines, now, !now.isBefore(to.toInstant()));
        })
        .compose(statement -> format.equals("html")
            ? response.putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader("content-security-policy", StatementHtml.CONTENT_SECURITY_POLICY)
                .putHeader("x-content-type-options", "nosniff")
                .end(StatementHtml.render(statement))
            : response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(statement.json().toBuffer()));
  }

  private static YearMonth month(String text) {
    try {
      if (MONTH.matcher(text).matches()) {
        return YearMonth.parse(text);
      }
    } catch (DateTimeParseException e) {
      // refused below, with the same words as a malformed one
    }
    throw ApiError.badRequest("invalid_month", "the month must be yyyy-mm (such as 2025-03), got \"" + text + "\"");
  }

  private static String fileName(String org, YearMonth month) {
    return "statement-" + org.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + month;
  }

  private static Buffer csvLine(Buffer out, String kind, YearMonth month, String org, String key, String model,
                                StatementFigures figures) {
    Object[] fields = {kind, month.toString(), org, key, model, figures.requests(), figures.errors(),
        figures.promptTokens(), figures.completionTokens(), figures.cachedTokens(), figures.reasoningTokens(),
        figures.cost()};
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendString(CsvExport.field(fields[i]));
    }
    return out.appendString("\r\n");
  }
}
