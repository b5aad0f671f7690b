package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.api.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Config versions: after each catalogue change, inside its transaction, the snapshot is rebuilt,
 * checked (a refusal rolls the whole change back, with every reason), and stored as the next
 * version if it differs from the latest. Stored versions are immutable (a trigger refuses changes).
 */
public final class SnapshotStore {

  private static final String ENTRY = "jsonb_build_object('version', version, 'createdAt', "
      + "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'createdBy', created_by, "
      + "'snapshot', snapshot) AS j";

  private final SnapshotRules rules = new SnapshotRules();

  private record Checked(JsonObject snapshot, java.util.List<Problem> errors) {
  }

  /** The new version, or null when the change did not alter the snapshot. */
  public Future<Long> refresh(SqlConnection tx, String actor) {
    // One writer of versions at a time: the next version number is max + 1.
    return tx.query("LOCK TABLE config_versions IN EXCLUSIVE MODE").execute()
        .compose(locked -> SnapshotBuilder.build(tx))
        // Schema validation is CPU work: off the event loop.
        .compose(snapshot -> io.vertx.core.Vertx.currentContext().owner()
            .executeBlocking(() -> rules.check(snapshot), false).map(errors -> new Checked(snapshot, errors)))
        .compose(checked -> {
          JsonObject snapshot = checked.snapshot();
          var errors = checked.errors();
          if (!errors.isEmpty()) {
            return Future.failedFuture(new ApiError(422, "the change makes an invalid config: " + errors.size()
                + " problem(s); nothing was changed", errors));
          }
          return tx.preparedQuery("SELECT version, snapshot = $1 AS same FROM config_versions ORDER BY version DESC LIMIT 1")
              .execute(Tuple.of(snapshot))
              .compose(rows -> {
                long latest = rows.size() == 0 ? 0 : rows.iterator().next().getLong("version");
                if (rows.size() > 0 && rows.iterator().next().getBoolean("same")) {
                  return Future.succeededFuture(null);
                }
                return tx.preparedQuery("INSERT INTO config_versions (version, snapshot, created_by) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(latest + 1, snapshot, actor))
                    .map(inserted -> latest + 1);
              });
        });
  }

  /** {"version", "createdAt", "createdBy", "snapshot"} of the latest version; 404 before the first. */
  public Future<JsonObject> latest(SqlClient client) {
    return client.query("SELECT " + ENTRY + " FROM config_versions ORDER BY version DESC LIMIT 1").execute()
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiError.notFound("config version (none yet)"))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  public Future<JsonObject> version(SqlClient client, long version) {
    return client.preparedQuery("SELECT " + ENTRY + " FROM config_versions WHERE version = $1").execute(Tuple.of(version))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiError.notFound("config version " + version))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }
}
