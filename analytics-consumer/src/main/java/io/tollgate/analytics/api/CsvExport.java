package io.tollgate.analytics.api;

import io.tollgate.analytics.store.UsageQueries;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code GET /v1/orgs/{org}/usage/export?from&to}: the raw usage rows of an org over a range as CSV,
 * streamed from a database cursor with back-pressure (the cursor is paused while the client's write
 * queue is full), so memory stays flat whatever the range.
 */
final class CsvExport {

  static final List<String> COLUMNS = UsageQueries.EVENT_COLUMNS;
  private static final int FETCH_ROWS = 500;

  private final Pool pool;
  private final Orgs orgs;

  CsvExport(Pool pool, Orgs orgs) {
    this.pool = pool;
    this.orgs = orgs;
  }

  Future<Void> handle(RoutingContext ctx) {
    String org = ctx.pathParam("org");
    TimeRange range = TimeRange.parse(ctx.queryParams().get("from"), ctx.queryParams().get("to"));
    HttpServerResponse response = ctx.response();
    return orgs.requireReadable(Authentication.of(ctx), org).compose(v -> UsageQueries.streamEvents(pool, org, range.fromUtc(), range.toUtc(),
        FETCH_ROWS, rows -> {
          response.setChunked(true)
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
              .putHeader("content-disposition", "attachment; filename=\"usage-" + org.replaceAll("[^A-Za-z0-9._-]", "_")
                  + ".csv\"");
          return CsvStream.write(rows, response, String.join(",", COLUMNS), CsvExport::appendRow, () -> "");
        }));
  }

  static void appendRow(Buffer out, Row row) {
    for (int i = 0; i < COLUMNS.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendString(field(row.getValue(i)));
    }
    out.appendString("\r\n");
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break; null is an empty field. */
  static String field(Object value) {
    String text;
    if (value == null) {
      return "";
    } else if (value instanceof OffsetDateTime time) {
      text = time.toInstant().toString();
    } else if (value instanceof BigDecimal decimal) {
      text = decimal.stripTrailingZeros().toPlainString();
    } else if (value instanceof io.vertx.sqlclient.data.Numeric numeric) {
      text = numeric.bigDecimalValue().stripTrailingZeros().toPlainString();
    } else if (value instanceof Double number) {
      text = BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
    } else {
      text = value.toString();
    }
    if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
