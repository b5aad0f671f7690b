package io.tollgate.controlplane.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The append-only audit log. Always written on the connection of the change's own transaction,
 * so a change and its record commit or vanish together.
 */
public final class Audit {

  private Audit() {
  }

  public record Entry(String actor, String action, String target, JsonObject before, JsonObject after,
                      String requestId) {
  }

  /** On the change's own transaction; a refused attempt, which changes nothing, on the pool. */
  public static Future<Void> write(SqlClient tx, Entry entry) {
    return tx.preparedQuery("INSERT INTO audit_log (actor, action, target, before, after, request_id) "
            + "VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(entry.actor(), entry.action(), entry.target(), entry.before(), entry.after(),
            entry.requestId()))
        .mapEmpty();
  }
}
