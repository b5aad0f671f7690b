package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit commands' filters and paging, and their table: ID, AT, ACTOR, ACTION, TARGET within
 * 100 columns (long actors and targets are cut with "…"); {@code --wide} adds BEFORE and AFTER,
 * whole, for a wide terminal or a pager.
 */
final class AuditView {

  static final int WIDTH = 100;

  @Option(names = "--actor", paramLabel = "EMAIL", description = "Only what this actor did ('anonymous' for refused tokens).")
  String actor;
  @Option(names = "--action", paramLabel = "ACTION",
      description = "Only this action (key.revoke), or a prefix ending in * (key.*); 'refused' for refused attempts.")
  String action;
  @Option(names = "--target", paramLabel = "TARGET",
      description = "Only this target (org:acme/key:ci), or a prefix ending in * (org:acme/*).")
  String target;
  @Option(names = "--since", paramLabel = "INSTANT", description = "At or after this ISO-8601 instant.")
  String since;
  @Option(names = "--until", paramLabel = "INSTANT", description = "Before this ISO-8601 instant.")
  String until;
  @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
      description = "Entries per page, 1-1000 (default ${DEFAULT-VALUE}).")
  int limit;
  @Option(names = "--before", paramLabel = "CURSOR", description = "The page after the one that printed this cursor.")
  String before;
  @Option(names = "--all", description = "Every page, not just the first.")
  boolean all;
  @Option(names = "--wide", description = "Add the BEFORE and AFTER columns (long lines).")
  boolean wide;

  int show(Globals g, ApiClient api, String path) {
    JsonArray entries = new JsonArray();
    String cursor = before;
    do {
      JsonObject page = (JsonObject) api.get(path + query(cursor));
      page.getJsonArray("entries").forEach(entries::add);
      cursor = page.getString("next");
    } while (all && cursor != null);
    Output out = g.out();
    if (out.json()) {
      out.print(new JsonObject().put("entries", entries).put("next", cursor));
      return ExitCodes.OK;
    }
    table(entries).forEach(out::line);
    if (cursor != null) {
      out.line("more: --before " + cursor + " (or --all)");
    }
    return ExitCodes.OK;
  }

  private String query(String cursor) {
    StringBuilder query = new StringBuilder("?limit=").append(limit);
    append(query, "actor", actor);
    append(query, "action", action);
    append(query, "target", target);
    append(query, "since", since);
    append(query, "until", until);
    append(query, "before", cursor);
    return query.toString();
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null) {
      query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** The table's lines; without --wide none is longer than {@link #WIDTH}. */
  List<String> table(JsonArray entries) {
    List<String> header = new ArrayList<>(List.of("ID", "AT", "ACTOR", "ACTION", "TARGET"));
    if (wide) {
      header.addAll(List.of("BEFORE", "AFTER"));
    }
    List<List<String>> rows = new ArrayList<>();
    for (Object item : entries) {
      JsonObject entry = (JsonObject) item;
      String at = String.valueOf(entry.getValue("at"));
      List<String> row = new ArrayList<>(List.of(String.valueOf(entry.getValue("id")),
          at.length() >= 19 ? at.substring(0, 19).replace('T', ' ') : at, String.valueOf(entry.getValue("actor")),
          String.valueOf(entry.getValue("action")), String.valueOf(entry.getValue("target"))));
      if (wide) {
        row.add(entry.getValue("before") == null ? "-" : String.valueOf(entry.getValue("before")));
        row.add(entry.getValue("after") == null ? "-" : String.valueOf(entry.getValue("after")));
      }
      rows.add(row);
    }
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    if (!wide) {
      fit(widths);
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(header, widths));
    rows.forEach(row -> lines.add(line(row, widths)));
    return lines;
  }

  /** Narrows TARGET, then ACTOR (to 16 at least) until a line fits in {@link #WIDTH} columns. */
  private static void fit(int[] widths) {
    int total = 2 * (widths.length - 1);
    for (int width : widths) {
      total += width;
    }
    for (int column : new int[] {4, 2}) {
      int over = total - WIDTH;
      if (over > 0) {
        int cut = Math.min(over, Math.max(0, widths[column] - 16));
        widths[column] -= cut;
        total -= cut;
      }
    }
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (cell.length() > widths[i]) {
        cell = cell.substring(0, widths[i] - 1) + "…";
      }
      line.append(i == cells.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
    }
    return line.toString().stripTrailing();
  }
}
