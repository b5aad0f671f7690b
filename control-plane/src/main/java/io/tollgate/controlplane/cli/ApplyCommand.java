package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import static io.tollgate.controlplane.cli.ApiClient.segment;

/**
 * {@code apply -f platform.yaml}: makes the control plane hold what the file says (policies,
 * backends, models, routes, orgs with their members and keys' policies). Prints the plan first; {@code --dry-run} stops there. Only what
 * differs is changed, so a second apply changes nothing; what the file does not name is deleted
 * only with {@code --prune}.
 */
@Command(name = "apply", description = "Declarative management from a YAML file (see config/platform.yaml).")
final class ApplyCommand implements Callable<Integer> {

  /** In dependency order: creates and updates run this way, deletes the other way. */
  record Kind(String section, String path, String idField) {
  }

  private static final List<Kind> KINDS = List.of(
      new Kind("policies", "policies", "name"),
      new Kind("backends", "backends", "id"),
      new Kind("models", "models", "name"),
      new Kind("routes", "routes", "model"),
      new Kind("orgs", "orgs", "name"));

  private static final java.util.Set<String> CHANGING = java.util.Set.of("create", "update", "delete", "revoke");

  @Mixin
  Globals g;

  @Option(names = {"-f", "--file"}, required = true, description = "The platform YAML file.")
  Path file;

  @Option(names = "--dry-run", description = "Show the changes, apply nothing.")
  boolean dryRun;

  @Option(names = "--prune", description = "Delete what the file no longer names.")
  boolean prune;

  /** One line of the plan; verbs: create, update, keep, delete, unmanaged (and revoke for keys). */
  record Step(String verb, Kind kind, String id, JsonObject desired, JsonObject current, List<String> fields) {
  }

  @Override
  public Integer call() {
    JsonObject desired;
    try {
      desired = read(file);
    } catch (IOException | RuntimeException e) {
      g.err().println("tollgate-admin: cannot read " + file + ": " + e.getMessage());
      g.err().flush();
      return ExitCodes.USAGE;
    }
    return g.run(api -> {
      List<Step> steps = plan(api, desired);
      Output out = g.out();
      // Kept, unmanaged and stuck lines are information only.
      List<Step> changes = steps.stream().filter(s -> CHANGING.contains(s.verb())).toList();
      for (Step step : steps) {
        out.line(describe(step));
      }
      long deletes = changes.stream().filter(s -> s.verb().equals("delete") || s.verb().equals("revoke")).count();
      out.line(changes.isEmpty() ? "no changes" : (changes.size() - deletes) + " to create or update, " + deletes
          + " to delete or revoke");
      if (dryRun || changes.isEmpty()) {
        if (dryRun) {
          out.line("dry run: nothing applied");
        }
        return ExitCodes.OK;
      }
      for (Step step : changes) {
        if (OrgContents.owns(step)) {
          OrgContents.execute(api, step, out);
        } else {
          execute(api, step);
        }
      }
      out.line("applied");
      return ExitCodes.OK;
    });
  }

  private List<Step> plan(ApiClient api, JsonObject desired) {
    List<Step> forward = new ArrayList<>();
    List<Step> deletions = new ArrayList<>();
    java.util.Set<String> existingOrgs = java.util.Set.of();
    for (Kind kind : KINDS) {
      Map<String, JsonObject> current = new LinkedHashMap<>();
      for (Object item : (JsonArray) api.get("api/v1/" + kind.path())) {
        JsonObject object = (JsonObject) item;
        current.put(object.getString(kind.section().equals("backends") ? "id" : kind.idField()), object);
      }
      if (kind.section().equals("orgs")) {
        existingOrgs = java.util.Set.copyOf(current.keySet());
      }
      Map<String, JsonObject> wanted = new LinkedHashMap<>();
      JsonArray list = desired.getJsonArray(kind.section(), new JsonArray());
      if (kind.section().equals("routes")) {
        list = dependenciesFirst(list);
      }
      for (Object item : list) {
        JsonObject object = (JsonObject) item;
        wanted.put(object.getString(kind.idField()), withDefaults(kind, object));
      }
      if (kind.section().equals("orgs")) {
        // An org's members and keys are planned after the org itself (they need it to exist).
        wanted.values().forEach(org -> OrgContents.SECTIONS.forEach(org::remove));
      }
      for (var entry : wanted.entrySet()) {
        JsonObject now = current.get(entry.getKey());
        if (now == null) {
          forward.add(new Step("create", kind, entry.getKey(), entry.getValue(), null, List.of()));
        } else {
          List<String> differing = differences(kind, entry.getValue(), now);
          forward.add(new Step(differing.isEmpty() ? "keep" : "update", kind, entry.getKey(), entry.getValue(), now,
              differing));
        }
      }
      for (var entry : current.entrySet()) {
        if (!wanted.containsKey(entry.getKey())) {
          deletions.add(0, new Step(prune ? "delete" : "unmanaged", kind, entry.getKey(), null, entry.getValue(),
              List.of()));
        }
      }
    }
    OrgContents contents = new OrgContents(api, prune, existingOrgs);
    for (Object org : desired.getJsonArray("orgs", new JsonArray())) {
      contents.plan((JsonObject) org);
    }
    forward.addAll(contents.forward());
    // Deletions in reverse dependency order (members and keys before their orgs, routes before
    // their models and backends).
    List<Step> steps = new ArrayList<>(forward);
    steps.addAll(contents.removals());
    steps.addAll(deletions);
    return steps;
  }

  /**
   * Routes whose fallback or canary names another route's model come after that route, so that no
   * intermediate config names a model that is not routed yet (the control plane would refuse it).
   */
  private static JsonArray dependenciesFirst(JsonArray routes) {
    List<JsonObject> pending = new ArrayList<>();
    routes.forEach(route -> pending.add((JsonObject) route));
    java.util.Set<String> inFile = new java.util.HashSet<>();
    pending.forEach(route -> inFile.add(route.getString("model")));
    java.util.Set<String> placed = new java.util.HashSet<>();
    JsonArray ordered = new JsonArray();
    while (!pending.isEmpty()) {
      boolean progressed = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        JsonObject route = it.next();
        List<String> needs = new ArrayList<>();
        if (route.getValue("fallback") instanceof String fallback) {
          needs.add(fallback);
        }
        if (route.getValue("canary") instanceof JsonObject canary && canary.getValue("model") instanceof String model) {
          needs.add(model);
        }
        if (needs.stream().allMatch(need -> placed.contains(need) || !inFile.contains(need))) {
          ordered.add(route);
          placed.add(route.getString("model"));
          it.remove();
          progressed = true;
        }
      }
      if (!progressed) {
        // A cycle: the control plane reports it; keep the file's order.
        pending.forEach(ordered::add);
        break;
      }
    }
    return ordered;
  }

  private static JsonObject withDefaults(Kind kind, JsonObject object) {
    JsonObject copy = object.copy();
    if (kind.section().equals("backends") && !copy.containsKey("labels")) {
      copy.put("labels", new JsonObject());
    }
    if (kind.section().equals("orgs") && !copy.containsKey("display")) {
      copy.put("display", "");
    }
    return copy;
  }

  /** Top-level fields whose values differ, comparing numbers by value and ignoring nulls and versions. */
  private static List<String> differences(Kind kind, JsonObject desired, JsonObject current) {
    JsonObject a = canonical(desired);
    JsonObject b = canonical(current);
    b.remove("version");
    TreeSet<String> fields = new TreeSet<>(a.fieldNames());
    fields.addAll(b.fieldNames());
    List<String> differing = new ArrayList<>();
    for (String field : fields) {
      if (!java.util.Objects.equals(a.getValue(field), b.getValue(field))) {
        differing.add(field);
      }
    }
    return differing;
  }

  static JsonObject canonical(JsonObject object) {
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
    if (value instanceof Map<?, ?> map) {
      return canonical(new JsonObject(new LinkedHashMap<>(castMap(map))));
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(canonicalValue(item)));
      return out;
    }
    if (value instanceof List<?> list) {
      return canonicalValue(new JsonArray(new ArrayList<>(list)));
    }
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  static String describe(Step step) {
    String what = step.kind().section() + " " + step.id();
    return switch (step.verb()) {
      case "create" -> "+ " + what;
      case "update" -> "~ " + what + " (" + String.join(", ", step.fields()) + ")";
      case "delete" -> "- " + what;
      case "revoke" -> "- " + what + " (revoke)";
      case "unmanaged" -> "! " + what + " is not in the file (kept; --prune " + (step.kind().section().equals("keys")
          ? "revokes" : "deletes") + " it)";
      case "stuck" -> "! " + what + " is revoked: a revoked key cannot come back; name a new key id";
      default -> "= " + what;
    };
  }

  private static void execute(ApiClient api, Step step) {
    String base = "api/v1/" + step.kind().path();
    String one = base + "/" + segment(step.id());
    boolean org = step.kind().section().equals("orgs");
    switch (step.verb()) {
      case "create" -> {
        JsonObject body = step.desired().copy();
        // "" is how the API shows an org without a display name, and a value it refuses on create.
        if (org && "".equals(body.getValue("display"))) {
          body.remove("display");
        }
        api.post(base, body);
      }
      case "delete" -> api.delete(one);
      case "update" -> {
        int version = step.current().getInteger("version");
        if (!org) {
          api.put(one, step.desired().copy().put("version", version));
          return;
        }
        if (step.fields().contains("display") || step.fields().contains("policy")) {
          api.put(one, new JsonObject().put("display", step.desired().getString("display"))
              .put("policy", step.desired().getString("policy")).put("version", version));
        }
        if (step.fields().contains("budget")) {
          JsonObject budget = step.desired().getJsonObject("budget");
          if (budget == null) {
            api.delete(one + "/budget");
          } else {
            api.put(one + "/budget", budget);
          }
        }
      }
      default -> {
      }
    }
  }

  private static JsonObject read(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object loaded = new Yaml().load(reader);
      if (!(loaded instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("the file must hold a mapping with policies, backends, models, routes, orgs");
      }
      JsonObject json = new JsonObject(io.vertx.core.json.Json.encode(map));
      for (String section : json.fieldNames()) {
        if (KINDS.stream().noneMatch(k -> k.section().equals(section))) {
          throw new IllegalArgumentException("unknown section " + section);
        }
      }
      return json;
    }
  }
}
