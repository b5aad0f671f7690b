package io.tollgate.controlplane.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * One line of an apply plan.
 *
 * @param verb    create, update, keep, delete, revoke (keys), unmanaged (not in the file, kept), stuck
 *                (a revoked key the file still names)
 * @param section the file's section: policies, backends, models, routes, orgs, members, keys
 * @param id      the object's id; "org/email" for members, "org/id" for keys
 * @param path    where the file names it ("$.routes[1]"); null for what the file does not name
 * @param current the object now (as the API shows it); null when it does not exist
 * @param desired what the file makes of it (for a key update: only the fields that change)
 * @param fields  the fields that differ (updates)
 */
record ApplyStep(String verb, String section, String id, String path, JsonObject current, JsonObject desired,
                 List<String> fields) {

  private static final Set<String> CHANGING = Set.of("create", "update", "delete", "revoke");

  boolean changes() {
    return CHANGING.contains(verb);
  }

  JsonObject toJson() {
    return new JsonObject().put("verb", verb).put("kind", section).put("id", id).put("path", path)
        .put("fields", new JsonArray(List.copyOf(fields)));
  }
}
