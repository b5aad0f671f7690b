package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.catalog.CatalogResource;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.store.KeyStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plan of an apply file against what the control plane holds, with every problem the file has
 * (by its own paths): the same checks as the REST operations, plus the references between entries
 * (a route's model, an org's or key's policy, a member's user). A field the file leaves out of an
 * existing entry is left as it is (unmanaged); {@code null} clears it. A section the file leaves
 * out is not managed at all: {@code --prune} only deletes what a present section no longer names.
 */
final class ApplyPlanner {

  /** Catalogue sections, in the order their creates and updates run (deletes run the other way). */
  static final List<String> CATALOG = List.of("policies", "backends", "models", "routes");
  private static final List<String> KEY_FIELDS = List.of("policy", "models", "budget", "expiresAt");
  private static final List<String> ORG_FIELDS = List.of("display", "policy", "budget");
  private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::wire).toList();

  /** What the file makes: the steps in the order they run, and the file's problems. */
  record Plan(List<ApplyStep> steps, List<Problem> errors) {
  }

  private final ApplyState now;
  private final JsonObject file;
  private final boolean prune;
  private final List<Problem> errors = new ArrayList<>();
  private final List<ApplyStep> forward = new ArrayList<>();
  private final Map<String, List<ApplyStep>> removals = new HashMap<>();

  private ApplyPlanner(ApplyState now, JsonObject file, boolean prune) {
    this.now = now;
    this.file = file;
    this.prune = prune;
  }

  static Future<Plan> plan(SqlConnection tx, JsonObject file, boolean prune) {
    return ApplyState.read(tx).map(state -> new ApplyPlanner(state, file, prune).plan());
  }

  private Plan plan() {
    Bodies.PLATFORM.check(file, "$", (path, reason) -> errors.add(new Problem(path, reason)));
    for (String section : CATALOG) {
      JsonArray entries = section(section);
      if (entries != null) {
        planCatalog(CatalogResource.all().stream().filter(r -> r.path().equals(section)).findFirst().orElseThrow(),
            entries);
      }
    }
    JsonArray orgs = section("orgs");
    if (orgs != null) {
      planOrgs(orgs);
    }
    List<ApplyStep> steps = new ArrayList<>(forward);
    // Removals: what is inside orgs first, then orgs, then the catalogue in reverse dependency order.
    for (String section : List.of("members", "keys", "orgs", "routes", "models", "backends", "policies")) {
      steps.addAll(removals.getOrDefault(section, List.of()));
    }
    return new Plan(steps, errors);
  }

  /** A section of the file; null when the file leaves it out (then it is not managed). */
  private JsonArray section(String name) {
    Object value = file.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray list)) {
      errors.add(new Problem("$." + name, "must be a list"));
      return null;
    }
    return list;
  }

  private void planCatalog(CatalogResource resource, JsonArray entries) {
    String section = resource.path();
    Map<String, JsonObject> current = now.catalog().get(section);
    Set<String> named = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String path = "$." + section + "[" + i + "]";
      if (!(entries.getValue(i) instanceof JsonObject entry)) {
        errors.add(new Problem(path, "must be a mapping"));
        continue;
      }
      Fields idCheck = new Fields(entry, path);
      String id = resource.id(idCheck);
      errors.addAll(idCheck.errors());
      if (id == null || !unique(named, id, path + "." + resource.idField())) {
        continue;
      }
      JsonObject before = current.get(id);
      JsonObject desired = before == null ? withoutNulls(entry) : merged(before, entry);
      Fields checked = new Fields(desired, path);
      resource.columns().apply(checked, before == null);
      errors.addAll(checked.errors());
      if (section.equals("routes") && !exists("models", id, file)) {
        errors.add(new Problem(path + ".model", "no model " + id + ": add it under models: (a route needs its model)"));
      }
      forward.add(step(section, id, path, before, desired, before == null ? List.of() : differences(before, desired,
          null)));
    }
    unnamed(section, current, named, "delete");
  }

  private void planOrgs(JsonArray entries) {
    Set<String> named = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String path = "$.orgs[" + i + "]";
      if (!(entries.getValue(i) instanceof JsonObject entry)) {
        errors.add(new Problem(path, "must be a mapping"));
        continue;
      }
      Fields idCheck = new Fields(entry, path);
      String name = idCheck.slug("name", true);
      errors.addAll(idCheck.errors());
      if (name == null || !unique(named, name, path + ".name")) {
        continue;
      }
      JsonObject own = entry.copy();
      own.remove("members");
      own.remove("keys");
      JsonObject before = now.orgs().get(name);
      JsonObject desired = before == null ? withoutNulls(own) : merged(before, own);
      desired.put("display", desired.getValue("display") == null ? "" : desired.getValue("display"));
      checkOrg(desired, path);
      forward.add(step("orgs", name, path, before, desired, before == null ? List.of()
          : differences(before, desired, ORG_FIELDS)));
      if (entry.getValue("members") != null) {
        planMembers(name, path + ".members", entry.getValue("members"), before != null);
      }
      if (entry.getValue("keys") != null) {
        planKeys(name, path + ".keys", entry.getValue("keys"), before != null);
      }
    }
    unnamed("orgs", now.orgs(), named, "delete");
  }

  private void checkOrg(JsonObject desired, String path) {
    Fields fields = new Fields(desired, path);
    String policy = OrgsApi.settings(fields).policy();
    errors.addAll(fields.errors());
    if (policy != null && !exists("policies", policy, file)) {
      errors.add(new Problem(path + ".policy", "no policy " + policy + ": add it under policies:"));
    }
  }

  private void planMembers(String org, String path, Object section, boolean orgExists) {
    if (!(section instanceof JsonObject wanted)) {
      errors.add(new Problem(path, "must map emails to roles (" + String.join(", ", ROLES) + ")"));
      return;
    }
    Map<String, String> current = orgExists ? now.members().getOrDefault(org, Map.of()) : Map.of();
    for (String email : wanted.fieldNames()) {
      String at = path + "." + email;
      Object role = wanted.getValue(email);
      if (!(role instanceof String r) || !ROLES.contains(r)) {
        errors.add(new Problem(at, "must be a role: one of " + String.join(", ", ROLES)));
        continue;
      }
      if (!now.users().contains(email)) {
        errors.add(new Problem(at, "no user " + email + ": create it first (tollgate-admin users create " + email + ")"));
        continue;
      }
      String before = current.get(email);
      JsonObject desired = new JsonObject().put("role", r);
      forward.add(step("members", org + "/" + email, at, before == null ? null : new JsonObject().put("role", before),
          desired, before == null || before.equals(r) ? List.of() : List.of("role")));
    }
    Map<String, JsonObject> currentJson = new LinkedHashMap<>();
    current.forEach((email, role) -> currentJson.put(org + "/" + email, new JsonObject().put("role", role)));
    Set<String> named = new HashSet<>();
    wanted.fieldNames().forEach(email -> named.add(org + "/" + email));
    unnamed("members", currentJson, named, "delete");
  }

  private void planKeys(String org, String path, Object section, boolean orgExists) {
    if (!(section instanceof JsonArray wanted)) {
      errors.add(new Problem(path, "must be a list of {id, policy, models, budget, expiresAt}"));
      return;
    }
    Map<String, JsonObject> current = orgExists ? now.keys().getOrDefault(org, Map.of()) : Map.of();
    Set<String> named = new HashSet<>();
    for (int j = 0; j < wanted.size(); j++) {
      String at = path + "[" + j + "]";
      if (!(wanted.getValue(j) instanceof JsonObject entry)) {
        errors.add(new Problem(at, "must be a mapping"));
        continue;
      }
      Fields idCheck = new Fields(entry, at);
      String id = idCheck.slug("id", true);
      errors.addAll(idCheck.errors());
      if (id == null || !unique(named, org + "/" + id, at + ".id")) {
        continue;
      }
      JsonObject change = entry.copy();
      change.remove("id");
      Fields checked = new Fields(change, at);
      KeyStore.Settings settings = KeysApi.settings(checked);
      errors.addAll(checked.errors());
      if (settings.policy() != null && !exists("policies", settings.policy(), file)) {
        errors.add(new Problem(at + ".policy", "no policy " + settings.policy() + ": add it under policies:"));
      }
      JsonObject before = current.get(id);
      // An expiry the file sets now must be ahead of now; one it keeps as it was is not checked again.
      String keptExpiry = before == null ? null : managedKey(before).getString("expiresAt");
      if (change.getValue("expiresAt") != null && !Objects.equals(keptExpiry,
          normalKey(new JsonObject().put("expiresAt", change.getValue("expiresAt"))).getValue("expiresAt"))) {
        Fields expiry = new Fields(change, at);
        KeysApi.refusePastExpiry(expiry, settings);
        errors.addAll(expiry.errors());
      }
      if (before == null) {
        forward.add(step("keys", org + "/" + id, at, null, withoutNulls(change), List.of()));
      } else if (before.getBoolean("revoked", false)) {
        forward.add(new ApplyStep("stuck", "keys", org + "/" + id, at, before, change, List.of()));
      } else {
        JsonObject managed = managedKey(before);
        JsonObject desired = normalKey((JsonObject) MergePatch.apply(managed, change));
        List<String> differing = differences(managed, desired, KEY_FIELDS);
        JsonObject patch = new JsonObject();
        differing.forEach(field -> patch.put(field, desired.getValue(field)));
        forward.add(step("keys", org + "/" + id, at, before, patch, differing));
      }
    }
    Map<String, JsonObject> live = new LinkedHashMap<>();
    current.forEach((id, key) -> {
      if (!key.getBoolean("revoked", false)) {
        live.put(org + "/" + id, key);
      }
    });
    unnamed("keys", live, named.stream().collect(java.util.stream.Collectors.toSet()), "revoke");
  }

  /** What the control plane holds that a present section does not name: removed with --prune, else kept. */
  private void unnamed(String section, Map<String, JsonObject> current, Set<String> named, String removal) {
    for (var entry : current.entrySet()) {
      if (!named.contains(entry.getKey())) {
        removals.computeIfAbsent(section, s -> new ArrayList<>()).add(new ApplyStep(prune ? removal : "unmanaged",
            section, entry.getKey(), null, entry.getValue(), null, List.of()));
      }
    }
  }

  private boolean unique(Set<String> named, String id, String path) {
    if (!named.add(id)) {
      errors.add(new Problem(path, "names " + id + " a second time"));
      return false;
    }
    return true;
  }

  /** Whether a policy or model of that name is in the control plane or in the file. */
  private boolean exists(String section, String id, JsonObject file) {
    if (now.catalog().get(section).containsKey(id)) {
      return true;
    }
    String idField = section.equals("policies") || section.equals("models") ? "name" : "id";
    return file.getValue(section) instanceof JsonArray list && list.stream()
        .anyMatch(item -> item instanceof JsonObject o && id.equals(o.getValue(idField)));
  }

  private static ApplyStep step(String section, String id, String path, JsonObject before, JsonObject desired,
                                List<String> differing) {
    String verb = before == null ? "create" : differing.isEmpty() ? "keep" : "update";
    return new ApplyStep(verb, section, id, path, before, desired, differing);
  }

  /** The entry as it stands with the file's fields merged in: a field left out stays, null clears it. */
  private static JsonObject merged(JsonObject current, JsonObject entry) {
    JsonObject base = current.copy();
    base.remove("version");
    return (JsonObject) MergePatch.apply(base, entry);
  }

  private static JsonObject withoutNulls(JsonObject entry) {
    JsonObject copy = new JsonObject();
    entry.forEach(field -> {
      if (field.getValue() != null) {
        copy.put(field.getKey(), field.getValue());
      }
    });
    return copy;
  }

  /** The fields apply manages of a key, as the API shows them. */
  private static JsonObject managedKey(JsonObject key) {
    JsonObject managed = new JsonObject();
    KEY_FIELDS.forEach(field -> managed.put(field, key.getValue(field)));
    return normalKey(managed);
  }

  /** An expiry compared as an instant, whatever its spelling ("…:00Z" or "…:00.000Z"). */
  private static JsonObject normalKey(JsonObject key) {
    if (key.getValue("expiresAt") instanceof String text) {
      try {
        key.put("expiresAt", Instant.parse(text).toString());
      } catch (DateTimeParseException e) {
        // left as written: the settings check reports it
      }
    }
    return key;
  }

  /** Fields whose values differ (numbers by value, nulls as absent), among {@code only} if given. */
  static List<String> differences(JsonObject current, JsonObject desired, List<String> only) {
    JsonObject a = canonical(current);
    JsonObject b = canonical(desired);
    a.remove("version");
    // The managed fields in their own order; otherwise every field, sorted.
    Set<String> fields = only != null ? new LinkedHashSet<>(only) : new TreeSet<>();
    if (only == null) {
      fields.addAll(a.fieldNames());
      fields.addAll(b.fieldNames());
    }
    List<String> differing = new ArrayList<>();
    for (String field : fields) {
      if (!Objects.equals(a.getValue(field), b.getValue(field))) {
        differing.add(field);
      }
    }
    return differing;
  }

  private static JsonObject canonical(JsonObject object) {
    JsonObject out = new JsonObject();
    object.forEach(entry -> {
      Object value = canonicalValue(entry.getValue());
      if (value != null) {
        out.put(entry.getKey(), value);
      }
    });
    return out;
  }

  private static Object canonicalValue(Object value) {
    if (value instanceof JsonObject object) {
      return canonical(object);
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(canonicalValue(item)));
      return out;
    }
    return value instanceof Number number ? number.doubleValue() : value;
  }
}
