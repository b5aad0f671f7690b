package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.cli.ApplyCommand.Kind;
import io.tollgate.controlplane.cli.ApplyCommand.Step;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static io.tollgate.controlplane.cli.ApiClient.segment;

/**
 * The part of {@code apply} inside an org: its {@code members} (email → role) and its keys'
 * policies ({@code keys}: id, policy, models, budget, expiresAt). Only an org that has the section
 * in the file is managed there: an org without {@code keys:} keeps whatever keys it has. A key the
 * file names and the org lacks is created and its secret printed once; with {@code --prune}, keys
 * the file no longer names are revoked (a key is never deleted: its audit trail stays).
 */
final class OrgContents {

  static final List<String> SECTIONS = List.of("members", "keys");
  private static final Kind MEMBERS = new Kind("members", "members", "email");
  private static final Kind KEYS = new Kind("keys", "keys", "id");
  private static final Set<String> KEY_FIELDS = Set.of("id", "policy", "models", "budget", "expiresAt");
  /** The key fields apply manages and compares (limits come from the policy the key names). */
  private static final List<String> MANAGED = List.of("policy", "models", "budget", "expiresAt");

  private final ApiClient api;
  private final boolean prune;
  /** Orgs the control plane has now: members and keys are read only for those. */
  private final Set<String> existingOrgs;
  private final List<Step> forward = new ArrayList<>();
  private final List<Step> removals = new ArrayList<>();

  OrgContents(ApiClient api, boolean prune, Set<String> existingOrgs) {
    this.api = api;
    this.prune = prune;
    this.existingOrgs = existingOrgs;
  }

  static boolean owns(Step step) {
    return step.kind() == MEMBERS || step.kind() == KEYS;
  }

  List<Step> forward() {
    return forward;
  }

  List<Step> removals() {
    return removals;
  }

  /** Plans one org entry of the file; reads its current members and keys if the org exists. */
  void plan(JsonObject org) {
    String name = org.getString("name");
    boolean exists = existingOrgs.contains(name);
    if (org.getValue("members") != null) {
      planMembers(name, members(name, org.getValue("members")), exists);
    }
    if (org.getValue("keys") != null) {
      planKeys(name, keys(name, org.getValue("keys")), exists);
    }
  }

  private void planMembers(String org, Map<String, String> wanted, boolean exists) {
    Map<String, String> current = new LinkedHashMap<>();
    if (exists) {
      for (Object item : (JsonArray) api.get("api/v1/orgs/" + segment(org) + "/members")) {
        JsonObject member = (JsonObject) item;
        current.put(member.getString("email"), member.getString("role"));
      }
    }
    wanted.forEach((email, role) -> {
      String now = current.get(email);
      String verb = now == null ? "create" : now.equals(role) ? "keep" : "update";
      forward.add(new Step(verb, MEMBERS, org + "/" + email, new JsonObject().put("role", role),
          now == null ? null : new JsonObject().put("role", now), verb.equals("update") ? List.of("role") : List.of()));
    });
    current.forEach((email, role) -> {
      if (!wanted.containsKey(email)) {
        removals.add(new Step(prune ? "delete" : "unmanaged", MEMBERS, org + "/" + email, null,
            new JsonObject().put("role", role), List.of()));
      }
    });
  }

  private void planKeys(String org, Map<String, JsonObject> wanted, boolean exists) {
    Map<String, JsonObject> current = new LinkedHashMap<>();
    if (exists) {
      for (Object item : (JsonArray) api.get("api/v1/orgs/" + segment(org) + "/keys")) {
        JsonObject key = (JsonObject) item;
        current.put(key.getString("id"), key);
      }
    }
    wanted.forEach((id, desired) -> {
      JsonObject now = current.get(id);
      String where = org + "/" + id;
      if (now == null) {
        forward.add(new Step("create", KEYS, where, desired, null, List.of()));
      } else if (now.getBoolean("revoked", false)) {
        forward.add(new Step("stuck", KEYS, where, desired, now, List.of()));
      } else {
        List<String> differing = differences(desired, managed(now));
        forward.add(new Step(differing.isEmpty() ? "keep" : "update", KEYS, where, desired, now, differing));
      }
    });
    current.forEach((id, key) -> {
      if (!wanted.containsKey(id) && !key.getBoolean("revoked", false)) {
        removals.add(new Step(prune ? "revoke" : "unmanaged", KEYS, org + "/" + id, null, key, List.of()));
      }
    });
  }

  static void execute(ApiClient api, Step step, Output out) {
    int slash = step.id().indexOf('/');
    String org = "api/v1/orgs/" + segment(step.id().substring(0, slash));
    String child = segment(step.id().substring(slash + 1));
    if (step.kind() == MEMBERS) {
      switch (step.verb()) {
        case "create", "update" -> api.put(org + "/members/" + child, step.desired());
        case "delete" -> api.delete(org + "/members/" + child);
        default -> {
        }
      }
      return;
    }
    switch (step.verb()) {
      case "create" -> {
        JsonObject created = (JsonObject) api.post(org + "/keys", step.desired().copy().put("id",
            step.id().substring(slash + 1)));
        // The only time the secret exists outside the caller's hands: say so plainly.
        out.line("  secret of key " + step.id() + " (shown once): " + created.getString("secret"));
      }
      case "update" -> {
        JsonObject patch = new JsonObject().put("version", step.current().getInteger("version"));
        step.fields().forEach(field -> patch.put(field, step.desired().getValue(field)));
        api.patch(org + "/keys/" + child, patch);
      }
      case "revoke" -> api.post(org + "/keys/" + child + "/revoke", null);
      default -> {
      }
    }
  }

  private static Map<String, String> members(String org, Object section) {
    if (!(section instanceof JsonObject map)) {
      throw new ApiClient.ApiException(ExitCodes.USAGE, "orgs " + org + ": members must map emails to roles");
    }
    Map<String, String> members = new LinkedHashMap<>();
    map.forEach(entry -> {
      if (!(entry.getValue() instanceof String role)) {
        throw new ApiClient.ApiException(ExitCodes.USAGE, "orgs " + org + ": members." + entry.getKey()
            + " must be a role (owner, admin, member, viewer, billing)");
      }
      members.put(entry.getKey(), role);
    });
    return members;
  }

  private static Map<String, JsonObject> keys(String org, Object section) {
    if (!(section instanceof JsonArray list)) {
      throw new ApiClient.ApiException(ExitCodes.USAGE, "orgs " + org + ": keys must be a list of {id, policy, ...}");
    }
    Map<String, JsonObject> keys = new LinkedHashMap<>();
    for (Object item : list) {
      if (!(item instanceof JsonObject key) || !(key.getValue("id") instanceof String id)) {
        throw new ApiClient.ApiException(ExitCodes.USAGE, "orgs " + org + ": every key needs an id");
      }
      for (String field : key.fieldNames()) {
        if (!KEY_FIELDS.contains(field)) {
          throw new ApiClient.ApiException(ExitCodes.USAGE, "orgs " + org + ": key " + id + ": unknown field "
              + field + " (apply manages " + KEY_FIELDS + "; limits come from the policy)");
        }
      }
      JsonObject desired = new JsonObject()
          .put("policy", key.getValue("policy"))
          .put("models", key.getValue("models", new JsonArray().add("*")))
          .put("budget", key.getValue("budget"))
          .put("expiresAt", instant(key.getValue("expiresAt")));
      keys.put(id, desired);
    }
    return keys;
  }

  /** The managed fields of a key as the API shows it. */
  private static JsonObject managed(JsonObject key) {
    JsonObject out = new JsonObject();
    MANAGED.forEach(field -> out.put(field, field.equals("expiresAt") ? instant(key.getValue(field)) : key.getValue(field)));
    return out;
  }

  /** YAML turns an unquoted timestamp into a date (JSON: epoch millis); the API wants ISO-8601. */
  private static String instant(Object value) {
    if (value == null) {
      return null;
    }
    Instant instant = value instanceof Number millis ? Instant.ofEpochMilli(millis.longValue()) : Instant.parse(value.toString());
    return instant.toString();
  }

  private static List<String> differences(JsonObject desired, JsonObject current) {
    JsonObject a = ApplyCommand.canonical(desired);
    JsonObject b = ApplyCommand.canonical(current);
    List<String> differing = new ArrayList<>();
    for (String field : MANAGED) {
      if (!Objects.equals(a.getValue(field), b.getValue(field))) {
        differing.add(field);
      }
    }
    return differing;
  }
}
