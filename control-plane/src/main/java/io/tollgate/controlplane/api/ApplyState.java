package io.tollgate.controlplane.api;

import io.tollgate.controlplane.catalog.CatalogResource;
import io.tollgate.controlplane.catalog.CatalogSql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything an apply file manages, as the control plane holds it now, read in the apply's own
 * transaction (which holds the config lock, so no other catalogue change interleaves).
 *
 * @param catalog section → id → object as the API shows it
 * @param orgs    name → org
 * @param users   every user's email (members must be users)
 * @param members org → email → role
 * @param keys    org → key id → key
 */
record ApplyState(Map<String, Map<String, JsonObject>> catalog, Map<String, JsonObject> orgs, Set<String> users,
                  Map<String, Map<String, String>> members, Map<String, Map<String, JsonObject>> keys) {

  static Future<ApplyState> read(SqlConnection tx) {
    ApplyState state = new ApplyState(new HashMap<>(), new LinkedHashMap<>(), new HashSet<>(), new HashMap<>(),
        new HashMap<>());
    Future<Void> chain = Future.succeededFuture();
    for (CatalogResource resource : CatalogResource.all()) {
      chain = chain.compose(v -> CatalogSql.all(tx, resource).map(all -> {
        state.catalog().put(resource.path(), all);
        return null;
      }));
    }
    return chain
        .compose(v -> tx.query("SELECT name, " + OrgsApi.ORG_JSON + " AS j FROM orgs ORDER BY name").execute())
        .compose(rows -> {
          rows.forEach(row -> state.orgs().put(row.getString("name"), row.getJsonObject("j")));
          return tx.query("SELECT email FROM users").execute();
        })
        .compose(rows -> {
          rows.forEach(row -> state.users().add(row.getString("email")));
          return tx.query("SELECT org, email, role FROM memberships ORDER BY org, email").execute();
        })
        .compose(rows -> {
          rows.forEach(row -> state.members().computeIfAbsent(row.getString("org"), o -> new LinkedHashMap<>())
              .put(row.getString("email"), row.getString("role")));
          return tx.query("SELECT k.org, k.id, " + KeysApi.KEY_JSON + " AS j FROM api_keys k "
              + "LEFT JOIN limit_policies p ON p.name = k.policy ORDER BY k.org, k.id").execute();
        })
        .map(rows -> {
          rows.forEach(row -> state.keys().computeIfAbsent(row.getString("org"), o -> new LinkedHashMap<>())
              .put(row.getString("id"), row.getJsonObject("j")));
          return state;
        });
  }
}
