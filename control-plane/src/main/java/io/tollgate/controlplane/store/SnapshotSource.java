package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

/**
 * The gateway's config snapshot (config/schemas/config-snapshot.json), built from the catalogue:
 * backends; models with a route (route fields + the model's prices); the "default" limit policy as
 * the defaults; orgs with a policy or a budget. Keys are not in it: they live in Redis records.
 * Rows are read in a fixed order, so the same catalogue always gives the same document.
 */
public final class SnapshotSource {

  public static final String DEFAULT_POLICY = "default";

  private SnapshotSource() {
  }

  public static Future<JsonObject> build(SqlClient client) {
    JsonObject snapshot = new JsonObject();
    return client.query("SELECT jsonb_build_object('id', name, 'url', url) AS j FROM backends ORDER BY name").execute()
        .compose(rows -> {
          JsonArray backends = new JsonArray();
          rows.forEach(row -> backends.add(row.getJsonObject("j")));
          snapshot.put("backends", backends);
          return client.query("SELECT r.spec || jsonb_build_object('name', m.name, 'prices', jsonb_build_object("
              + "'promptPerMillion', m.prompt_per_million, 'completionPerMillion', m.completion_per_million)) AS j "
              + "FROM routes r JOIN models m ON m.name = r.model ORDER BY m.name").execute();
        })
        .compose(rows -> {
          JsonArray models = new JsonArray();
          rows.forEach(row -> models.add(row.getJsonObject("j")));
          snapshot.put("models", models);
          return client.query("SELECT jsonb_strip_nulls(jsonb_build_object('requestsPerMinute', requests_per_minute, "
              + "'tokensPerMinute', tokens_per_minute, 'maxConcurrentStreams', max_concurrent_streams)) AS j "
              + "FROM limit_policies WHERE name = '" + DEFAULT_POLICY + "'").execute();
        })
        .compose(rows -> {
          if (rows.size() > 0) {
            snapshot.put("defaults", new JsonObject().put("limits", rows.iterator().next().getJsonObject("j")));
          }
          return client.query("SELECT jsonb_strip_nulls(jsonb_build_object('id', o.name, "
              + "'limits', CASE WHEN p.name IS NULL THEN NULL ELSE jsonb_strip_nulls(jsonb_build_object("
              + "'requestsPerMinute', p.requests_per_minute, 'tokensPerMinute', p.tokens_per_minute)) END, "
              + "'budget', " + OrgStore.budgetJson("o.") + ")) AS j "
              + "FROM orgs o LEFT JOIN limit_policies p ON p.name = o.policy "
              + "WHERE o.policy IS NOT NULL OR o.budget_usd IS NOT NULL ORDER BY o.name").execute();
        })
        .map(rows -> {
          JsonArray orgs = new JsonArray();
          rows.forEach(row -> orgs.add(row.getJsonObject("j")));
          if (!orgs.isEmpty()) {
            snapshot.put("orgs", orgs);
          }
          snapshot.put("keys", new JsonArray());
          return snapshot;
        });
  }
}
