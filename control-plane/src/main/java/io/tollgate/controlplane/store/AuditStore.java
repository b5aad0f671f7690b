package io.tollgate.controlplane.store;

import io.tollgate.controlplane.audit.Audit;
import io.tollgate.controlplane.audit.AuditQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The append-only audit log: written on the connection of the change's own transaction (so a change
 * and its record commit or vanish together), read a page at a time, newest first, with filters.
 */
public final class AuditStore {

  private static final String ENTRY = "jsonb_build_object('id', id, 'at', to_char(at AT TIME ZONE 'UTC', "
      + "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'actor', actor, 'action', action, 'target', target, "
      + "'before', before, 'after', after, 'requestId', request_id)";

  private AuditStore() {
  }

  /** On the change's own transaction; a refused attempt, which changes nothing, on the pool. */
  public static Future<Void> write(SqlClient client, Audit.Entry entry) {
    return client.preparedQuery("INSERT INTO audit_log (actor, action, target, before, after, request_id) "
            + "VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(entry.actor(), entry.action(), entry.target(), entry.before(), entry.after(),
            entry.requestId()))
        .mapEmpty();
  }

  /** A page: its entries, and the {@code before} of the next page (null when this is the last). */
  public record Page(JsonArray entries, Long next) {
    public JsonObject toJson() {
      return new JsonObject().put("entries", entries).put("next", next == null ? null : String.valueOf(next));
    }
  }

  public static Future<Page> read(SqlClient client, AuditQuery query) {
    List<Object> args = new ArrayList<>();
    Collections.addAll(args, query.actor(), exact(query.action()), prefix(query.action()), exact(query.target()),
        prefix(query.target()), query.since() == null ? null : query.since().atOffset(ZoneOffset.UTC),
        query.until() == null ? null : query.until().atOffset(ZoneOffset.UTC), query.before(),
        query.org() == null ? null : "org:" + query.org(),
        query.org() == null ? null : escape("org:" + query.org() + "/") + "%",
        query.limit() + 1);
    // One more row than asked for says whether a next page exists.
    return client.preparedQuery("SELECT id, " + ENTRY + " AS j FROM audit_log WHERE "
            + "($1::text IS NULL OR actor = $1) "
            + "AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR action LIKE $3) "
            + "AND ($4::text IS NULL OR target = $4) AND ($5::text IS NULL OR target LIKE $5) "
            + "AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7) "
            + "AND ($8::bigint IS NULL OR id < $8) "
            + "AND ($9::text IS NULL OR target = $9 OR target LIKE $10) "
            + "ORDER BY id DESC LIMIT $11")
        .execute(Tuple.from(args))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          Long last = null;
          Long next = null;
          for (var row : rows) {
            if (entries.size() == query.limit()) {
              next = last;
              break;
            }
            entries.add(row.getJsonObject("j"));
            last = row.getLong("id");
          }
          return new Page(entries, next);
        });
  }

  /** The filter as an exact value, unless it is a prefix ("key.*"). */
  private static String exact(String filter) {
    return filter == null || filter.endsWith("*") ? null : filter;
  }

  /** The filter as a LIKE pattern when it is a prefix ("key.*" → "key.%"), its own % and _ taken literally. */
  private static String prefix(String filter) {
    return filter == null || !filter.endsWith("*") ? null : escape(filter.substring(0, filter.length() - 1)) + "%";
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
