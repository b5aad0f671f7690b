package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Prints answers as aligned tables (default) or as JSON ({@code -o json}). */
final class Output {

  private final PrintWriter out;
  private final boolean json;

  Output(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  boolean json() {
    return json;
  }

  void print(Object value) {
    if (json) {
      out.println(value == null ? "null" : value instanceof JsonObject o ? o.encodePrettily()
          : value instanceof JsonArray a ? a.encodePrettily() : String.valueOf(value));
    } else if (value instanceof JsonArray array) {
      table(array);
    } else if (value instanceof JsonObject object) {
      List<List<String>> rows = new ArrayList<>();
      object.forEach(entry -> rows.add(List.of(entry.getKey(), cell(entry.getValue()))));
      aligned(List.of("FIELD", "VALUE"), rows);
    } else if (value != null) {
      out.println(value);
    }
    out.flush();
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  private void table(JsonArray array) {
    Set<String> columns = new LinkedHashSet<>();
    array.forEach(item -> {
      if (item instanceof JsonObject object) {
        columns.addAll(object.fieldNames());
      }
    });
    List<List<String>> rows = new ArrayList<>();
    for (Object item : array) {
      List<String> row = new ArrayList<>();
      for (String column : columns) {
        row.add(item instanceof JsonObject object ? cell(object.getValue(column)) : "");
      }
      rows.add(row);
    }
    aligned(columns.stream().map(String::toUpperCase).toList(), rows);
  }

  private void aligned(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    printRow(header, widths);
    rows.forEach(row -> printRow(row, widths));
  }

  private void printRow(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + widths[i] + "s  ", cells.get(i)));
    }
    out.println(line.toString().stripTrailing());
  }

  private static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    if (value instanceof JsonArray array) {
      List<String> items = new ArrayList<>();
      array.forEach(item -> items.add(String.valueOf(item)));
      return String.join(",", items);
    }
    return String.valueOf(value);
  }
}
