package io.tollgate.controlplane.api;

import io.tollgate.controlplane.catalog.CatalogResource;
import io.tollgate.controlplane.store.CatalogStore;
import io.tollgate.controlplane.store.KeyStore;
import io.tollgate.controlplane.store.OrgStore;
import io.tollgate.controlplane.store.UserStore;
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
      chain = chain.compose(v -> CatalogStore.all(tx, resource).map(all -> {
        state.catalog().put(resource.path(), all);
        return null;
      }));
    }
    return chain
        .compose(v -> OrgStore.all(tx)).compose(orgs -> {
          state.orgs().putAll(orgs);
          return UserStore.emails(tx);
        })
        .compose(users -> {
          state.users().addAll(users);
          return OrgStore.allMembers(tx);
        })
        .compose(members -> {
          state.members().putAll(members);
          return KeyStore.all(tx);
        })
        .map(keys -> {
          state.keys().putAll(keys);
          return state;
        });
  }
}
