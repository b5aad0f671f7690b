package io.tollgate.controlplane.store;

import io.tollgate.controlplane.alerts.Channel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/** An org's alert channels. Their secrets are read only to sign deliveries, never listed. */
public final class AlertChannelStore {

  private static final String CHANNEL_JSON = "jsonb_build_object('id', id, 'type', type, 'target', target, "
      + "'signed', secret IS NOT NULL, 'createdAt', created_at)";

  private AlertChannelStore() {
  }

  public static Future<JsonObject> insert(SqlConnection tx, Channel channel) {
    return tx.preparedQuery("INSERT INTO alert_channels (org, id, type, target, secret) VALUES ($1, $2, $3, $4, $5) "
            + "RETURNING " + CHANNEL_JSON + " AS j")
        .execute(Tuple.of(channel.org(), channel.id(), channel.type(), channel.target(), channel.secret()))
        .map(rows -> rows.iterator().next().getJsonObject("j"));
  }

  public static Future<JsonArray> list(SqlClient client, String org) {
    return client.preparedQuery("SELECT " + CHANNEL_JSON + " AS j FROM alert_channels WHERE org = $1 ORDER BY id")
        .execute(Tuple.of(org))
        .map(rows -> {
          JsonArray channels = new JsonArray();
          rows.forEach(row -> channels.add(row.getJsonObject("j")));
          return channels;
        });
  }

  /** The channel with its secret, to send through; NotFound if absent. */
  public static Future<Channel> read(SqlClient client, String org, String id) {
    return client.preparedQuery("SELECT org, id, type, target, secret FROM alert_channels WHERE org = $1 AND id = $2")
        .execute(Tuple.of(org, id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new StoreError.NotFound("alert channel " + id));
          }
          Row row = rows.iterator().next();
          return Future.succeededFuture(new Channel(row.getString("org"), row.getString("id"), row.getString("type"),
              row.getString("target"), row.getString("secret")));
        });
  }

  /** Removes it (its pending deliveries go with it); the removed channel as listed, NotFound if absent. */
  public static Future<JsonObject> delete(SqlConnection tx, String org, String id) {
    return tx.preparedQuery("DELETE FROM alert_channels WHERE org = $1 AND id = $2 RETURNING " + CHANNEL_JSON + " AS j")
        .execute(Tuple.of(org, id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("alert channel " + id))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }
}
