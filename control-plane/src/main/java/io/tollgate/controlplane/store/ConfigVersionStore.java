package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/** Config versions: immutable snapshots numbered 1, 2, … (a trigger refuses changes to stored ones). */
public final class ConfigVersionStore {

  private static final String ENTRY = "jsonb_build_object('version', version, 'createdAt', "
      + "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'createdBy', created_by, "
      + "'snapshot', snapshot) AS j";

  private ConfigVersionStore() {
  }

  /** One writer of versions (and of the catalogue they are made from) at a time, until the transaction ends. */
  public static Future<Void> lock(SqlConnection tx) {
    return tx.query("LOCK TABLE config_versions IN EXCLUSIVE MODE").execute().mapEmpty();
  }

  /** Stores {@code snapshot} as the next version unless it is the latest already; the new version, or null. */
  public static Future<Long> storeIfChanged(SqlConnection tx, JsonObject snapshot, String actor) {
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
  }

  /** {"version", "createdAt", "createdBy", "snapshot"} of the latest version; NotFound before the first. */
  public static Future<JsonObject> latest(SqlClient client) {
    return client.query("SELECT " + ENTRY + " FROM config_versions ORDER BY version DESC LIMIT 1").execute()
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("config version (none yet)"))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  public static Future<JsonObject> version(SqlClient client, long version) {
    return client.preparedQuery("SELECT " + ENTRY + " FROM config_versions WHERE version = $1").execute(Tuple.of(version))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("config version " + version))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  /** {"version", "createdAt", "createdBy"} of up to {@code limit} versions, newest first, older than {@code before}. */
  public static Future<JsonArray> list(SqlClient client, long before, int limit) {
    return client.preparedQuery("SELECT jsonb_build_object('version', version, 'createdAt', "
            + "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'createdBy', created_by) AS j "
            + "FROM config_versions WHERE version < $1 ORDER BY version DESC LIMIT $2")
        .execute(Tuple.of(before, limit))
        .map(rows -> {
          JsonArray versions = new JsonArray();
          rows.forEach(row -> versions.add(row.getJsonObject("j")));
          return versions;
        });
  }

  /** The latest version's number; 0 before the first. */
  public static Future<Long> latestNumber(SqlClient client) {
    return client.query("SELECT coalesce(max(version), 0) AS latest FROM config_versions").execute()
        .map(rows -> rows.iterator().next().getLong("latest"));
  }
}
