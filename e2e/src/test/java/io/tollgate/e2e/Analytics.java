package io.tollgate.e2e;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics API as a billing dashboard reads it: an org's usage totals (from the rollups) and its
 * raw rows (the CSV export), over the UTC days around now.
 */
record Analytics(String baseUrl, String token) {

  /** Requests, tokens and cost; zero when the org has no usage yet (the API answers 404 then). */
  record Totals(long requests, long promptTokens, long completionTokens, double costUsd) {
  }

  static Analytics of(Platform platform) {
    return new Analytics(platform.analyticsUrl(), platform.env("TOLLGATE_ANALYTICS_TOKEN"));
  }

  /** Yesterday to the day after tomorrow: day buckets, whatever the time zone of the run or midnight. */
  private static String range() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return "from=" + today.minusDays(1) + "T00:00:00Z&to=" + today.plusDays(2) + "T00:00:00Z";
  }

  Totals totals(String org) {
    Http.Reply reply = Http.get(baseUrl + "/v1/orgs/" + org + "/usage?" + range() + "&granularity=day&group_by=key",
        token);
    if (reply.status() == 404) {
      return new Totals(0, 0, 0, 0);
    }
    JsonObject totals = reply.expect(200).json().getJsonObject("totals");
    return new Totals(totals.getLong("requests"), totals.getLong("prompt_tokens"), totals.getLong("completion_tokens"),
        totals.getDouble("cost_usd"));
  }

  /** The org's raw usage rows, one map (column → value) per event. */
  List<Map<String, String>> export(String org) {
    Http.Reply reply = Http.get(baseUrl + "/v1/orgs/" + org + "/usage/export?" + range(), token);
    if (reply.status() == 404) {
      return List.of();
    }
    List<List<String>> records = Csv.parse(reply.expect(200).body());
    List<String> header = records.get(0);
    List<Map<String, String>> rows = new ArrayList<>();
    for (List<String> record : records.subList(1, records.size())) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), i < record.size() ? record.get(i) : "");
      }
      rows.add(row);
    }
    return rows;
  }

  /** RFC 4180, as the export writes it: quoted fields may hold commas, quotes ("") and line breaks. */
  static final class Csv {
    private Csv() {
    }

    static List<List<String>> parse(String text) {
      List<List<String>> records = new ArrayList<>();
      List<String> record = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            field.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          record.add(field.toString());
          field.setLength(0);
        } else if (c == '\n') {
          record.add(field.toString());
          field.setLength(0);
          records.add(record);
          record = new ArrayList<>();
        } else if (c != '\r') {
          field.append(c);
        }
      }
      if (field.length() > 0 || !record.isEmpty()) {
        record.add(field.toString());
        records.add(record);
      }
      return records;
    }
  }
}
