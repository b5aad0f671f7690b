package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.store.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a snapshot must satisfy before it is stored: the shared JSON Schema, then the rules the
 * schema cannot say (routes name known backends, fallbacks and canaries name known models, a
 * canary's backends are not in the stable pool, a route's weights name backends of that route and
 * leave one above 0). Every reason is reported, each with its path.
 */
public final class SnapshotRules {

  private static final String SCHEMA = "tollgate-config/schemas/config-snapshot.json";
  /** Keywords that only say "something below failed"; the leaf error below says what. */
  private static final Set<String> WRAPPERS = Set.of("properties", "items", "prefixItems", "$ref", "allOf", "anyOf",
      "oneOf", "not", "if", "then", "else", "contains", "unevaluatedProperties", "unevaluatedItems");

  private final Validator validator;

  public SnapshotRules() {
    this.validator = Validator.create(JsonSchema.of(readSchema()), new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012).setBaseUri("https://tollgate.io/schemas/").setOutputFormat(OutputFormat.Basic));
  }

  public List<Problem> check(JsonObject snapshot) {
    Set<Problem> errors = new LinkedHashSet<>();
    OutputUnit result;
    synchronized (validator) {
      result = validator.validate(snapshot);
    }
    if (!Boolean.TRUE.equals(result.getValid()) && result.getErrors() != null) {
      List<Problem> additional = new ArrayList<>();
      for (OutputUnit unit : result.getErrors()) {
        String keyword = String.valueOf(unit.getKeywordLocation());
        keyword = keyword.substring(keyword.lastIndexOf('/') + 1);
        Problem error = new Problem(path(unit.getInstanceLocation()), SchemaMessages.readable(unit.getError()));
        if (keyword.equals("additionalProperties")) {
          additional.add(error);
        } else if (!WRAPPERS.contains(keyword)) {
          errors.add(error);
        }
      }
      // The validator also flags declared properties that failed their own schema as "additional";
      // only a property with no error of its own below it is really unknown.
      for (Problem error : additional) {
        boolean explained = errors.stream().anyMatch(e -> e.path().equals(error.path())
            || e.path().startsWith(error.path() + ".") || e.path().startsWith(error.path() + "["));
        if (!explained) {
          errors.add(new Problem(error.path(), "unknown field"));
        }
      }
    }
    errors.addAll(semantics(snapshot));
    return new ArrayList<>(errors);
  }

  private static List<Problem> semantics(JsonObject snapshot) {
    List<Problem> errors = new ArrayList<>();
    Set<String> backends = new HashSet<>();
    JsonArray backendList = snapshot.getJsonArray("backends", new JsonArray());
    for (int i = 0; i < backendList.size(); i++) {
      if (backendList.getValue(i) instanceof JsonObject backend && !backends.add(backend.getString("id"))) {
        errors.add(new Problem("$.backends[" + i + "].id", "duplicate backend id " + backend.getString("id")));
      }
    }
    Set<String> models = new HashSet<>();
    JsonArray modelList = snapshot.getJsonArray("models", new JsonArray());
    modelList.forEach(m -> {
      if (m instanceof JsonObject model) {
        models.add(model.getString("name"));
      }
    });
    for (int i = 0; i < modelList.size(); i++) {
      if (!(modelList.getValue(i) instanceof JsonObject model)) {
        continue;
      }
      String at = "$.models[" + i + "]";
      JsonArray pool = model.getValue("backends") instanceof JsonArray a ? a : new JsonArray();
      for (int b = 0; b < pool.size(); b++) {
        if (!backends.contains(String.valueOf(pool.getValue(b)))) {
          errors.add(new Problem(at + ".backends[" + b + "]", "unknown backend " + pool.getValue(b)
              + " (route of model " + model.getString("name") + ")"));
        }
      }
      if (model.getValue("weights") instanceof JsonObject weights) {
        errors.addAll(weightErrors(weights, pool, at + ".weights", model.getString("name")));
      }
      Object fallback = model.getValue("fallback");
      if (fallback instanceof String name && (!models.contains(name) || name.equals(model.getString("name")))) {
        errors.add(new Problem(at + ".fallback", "fallback model " + name + " is not another routed model"));
      }
      if (model.getValue("canary") instanceof JsonObject canary) {
        if (canary.getValue("backends") instanceof JsonArray canaryPool) {
          for (int b = 0; b < canaryPool.size(); b++) {
            String id = String.valueOf(canaryPool.getValue(b));
            if (!backends.contains(id)) {
              errors.add(new Problem(at + ".canary.backends[" + b + "]", "unknown backend " + id));
            } else if (pool.contains(id)) {
              errors.add(new Problem(at + ".canary.backends[" + b + "]", "backend " + id + " is in the stable pool"));
            }
          }
        }
        if (canary.getValue("model") instanceof String name && !models.contains(name)) {
          errors.add(new Problem(at + ".canary.model", "canary model " + name + " is not a routed model"));
        }
      }
    }
    return errors;
  }

  /**
   * A route's weights name backends of its own pool, and leave at least one above 0 (0 drains a
   * backend; a route with every backend drained could serve nothing). Range and type are the schema's.
   */
  private static List<Problem> weightErrors(JsonObject weights, JsonArray pool, String at, String model) {
    List<Problem> errors = new ArrayList<>();
    for (String id : weights.fieldNames()) {
      if (!pool.contains(id)) {
        errors.add(new Problem(at + "." + id, "backend " + id + " is not in the backends of the route of model "
            + model + " (a weight applies to a backend of the route)"));
      }
    }
    boolean anyServes = pool.isEmpty(); // an empty pool is the schema's to report
    for (Object id : pool) {
      if (!(weights.getValue(String.valueOf(id)) instanceof Number weight) || weight.doubleValue() != 0) {
        anyServes = true;
      }
    }
    if (!anyServes) {
      errors.add(new Problem(at, "every backend of the route of model " + model
          + " has weight 0: at least one must take requests (0 drains a backend)"));
    }
    return errors;
  }

  /** A JSON pointer as a path: /models/0/backends/1 → $.models[0].backends[1]. */
  static String path(String pointer) {
    StringBuilder path = new StringBuilder("$");
    if (pointer != null && pointer.startsWith("#")) {
      pointer = pointer.substring(1);
    }
    if (pointer == null || pointer.isEmpty()) {
      return path.toString();
    }
    for (String token : pointer.substring(1).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      if (name.matches("\\d+")) {
        path.append('[').append(name).append(']');
      } else {
        path.append('.').append(name);
      }
    }
    return path.toString();
  }

  private static JsonObject readSchema() {
    try (InputStream in = SnapshotRules.class.getClassLoader().getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA + " is not on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
