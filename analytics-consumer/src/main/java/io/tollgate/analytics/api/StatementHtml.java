package io.tollgate.analytics.api;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;

/**
 * A statement as a self-contained, printable HTML page: no script, no external resource, one
 * inline stylesheet with print rules (A4, tables kept whole across pages, headers repeated). Every
 * string that came from users (org, key and model names) is escaped.
 */
final class StatementHtml {

  /** Sent with the page: nothing but its own inline styles may load or run, even if escaping failed. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
      + " form-action 'none'; frame-ancestors 'none'";

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:2rem auto;\
      max-width:60rem;padding:0 1rem}
      h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
      .meta{color:#555;margin:0}.draft{color:#8a4b00;font-weight:600}
      table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:right}
      th:first-child,td:first-child,th.text,td.text{text-align:left}thead th{border-bottom:2px solid #333}
      tfoot td{font-weight:600;border-top:2px solid #333}td.name{word-break:break-all}
      .summary td{font-size:1.05rem}
      @media print{@page{size:A4;margin:15mm}body{margin:0;max-width:none;font-size:11px}
      table{page-break-inside:auto}tr{page-break-inside:avoid}thead{display:table-header-group}
      h2{page-break-after:avoid}}
      """;
  private static final String[] HEADINGS = {"Requests", "Errors", "Input tokens", "Output tokens", "Cached tokens",
      "Reasoning tokens", "Cost (USD)"};

  private StatementHtml() {
  }

  static String render(Statement statement) {
    String monthName = statement.month().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " "
        + statement.month().getYear();
    StringBuilder html = new StringBuilder(4096);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Statement ").append(escape(statement.org())).append(' ').append(statement.month())
        .append("</title><style>").append(STYLE).append("</style></head><body>\n");
    html.append("<h1>Usage statement: ").append(escape(monthName)).append("</h1>\n")
        .append("<p class=\"meta\">Organisation <strong>").append(escape(statement.org())).append("</strong>, ")
        .append(Statement.start(statement.month())).append(" to ").append(Statement.end(statement.month()))
        .append(" (UTC, end excluded)</p>\n<p class=\"meta\">Generated ")
        .append(DateTimeFormatter.ISO_INSTANT.format(statement.generatedAt().truncatedTo(ChronoUnit.SECONDS)))
        .append("</p>\n");
    if (!statement.complete()) {
      html.append("<p class=\"draft\">The month has not ended: this statement covers usage to date.</p>\n");
    }
    StatementFigures totals = statement.totals();
    html.append("<h2>Total</h2>\n<table class=\"summary\"><thead><tr>");
    for (String heading : HEADINGS) {
      html.append("<th>").append(heading).append("</th>");
    }
    html.append("</tr></thead><tbody><tr>");
    cells(html, totals);
    html.append("</tr></tbody></table>\n");
    section(html, "By model", "Model", statement.byModel(), totals);
    section(html, "By key", "Key", statement.byKey(), totals);
    if (statement.lines().isEmpty()) {
      html.append("<p>No usage was recorded in this month.</p>\n");
    }
    return html.append("</body></html>\n").toString();
  }

  private static void section(StringBuilder html, String title, String nameHeading,
                              Map<String, StatementFigures> groups, StatementFigures totals) {
    if (groups.isEmpty()) {
      return;
    }
    html.append("<h2>").append(title).append("</h2>\n<table><thead><tr><th class=\"text\">").append(nameHeading)
        .append("</th>");
    for (String heading : HEADINGS) {
      html.append("<th>").append(heading).append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    groups.forEach((name, figures) -> {
      html.append("<tr><td class=\"name\">").append(name.isEmpty() ? "<em>(none)</em>" : escape(name)).append("</td>");
      cells(html, figures);
      html.append("</tr>\n");
    });
    html.append("</tbody><tfoot><tr><td>Total</td>");
    cells(html, totals);
    html.append("</tr></tfoot></table>\n");
  }

  private static void cells(StringBuilder html, StatementFigures figures) {
    for (long count : new long[] {figures.requests(), figures.errors(), figures.promptTokens(),
        figures.completionTokens(), figures.cachedTokens(), figures.reasoningTokens()}) {
      html.append("<td>").append(String.format(Locale.ROOT, "%,d", count)).append("</td>");
    }
    html.append("<td>").append(figures.cost()).append("</td>");
  }

  /** Text for element content and quoted attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
