package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a JSON Schema cannot express: references between backends, models and keys, and
 * uniqueness. Runs on documents the schema may have refused, so it only looks at values of the
 * expected type and leaves type errors to the schema (one fault, one reason).
 */
final class SemanticRules {

  private static final String WILDCARD = "*";

  private final List<String> reasons;

  private SemanticRules(List<String> reasons) {
    this.reasons = reasons;
  }

  /** Appends one reason per broken rule to {@code reasons}. */
  static void check(JsonObject snapshot, List<String> reasons) {
    SemanticRules rules = new SemanticRules(reasons);
    Set<String> backendIds = rules.checkBackends(snapshot.getValue("backends"));
    Set<String> modelNames = rules.checkModels(snapshot.getValue("models"), backendIds);
    rules.checkModelReferences(snapshot.getValue("models"), modelNames, backendIds);
    rules.checkKeys(snapshot.getValue("keys"), modelNames);
    rules.checkOrgs(snapshot.getValue("orgs"));
    rules.checkRouting(snapshot.getValue("routing"));
  }

  /**
   * Fallbacks and canaries name other configured models, fallbacks form no cycle, a canary's
   * backends are known and outside its stable pool.
   */
  private void checkModelReferences(Object value, Set<String> modelNames, Set<String> backendIds) {
    if (!(value instanceof JsonArray models) || modelNames == null) {
      return;
    }
    Map<String, String> fallbackOf = new HashMap<>();
    Map<String, String> pathOf = new java.util.LinkedHashMap<>(); // document order
    for (int i = 0; i < models.size(); i++) {
      if (!(models.getValue(i) instanceof JsonObject model) || !(model.getValue("name") instanceof String name)) {
        continue;
      }
      String path = JsonPath.index("models", i);
      pathOf.putIfAbsent(name, path);
      if (model.getValue("fallback") instanceof String fallback) {
        String at = JsonPath.field(path, "fallback");
        if (fallback.equals(name)) {
          reasons.add(JsonPath.reason(at, "a model cannot be its own fallback"));
        } else if (!modelNames.contains(fallback)) {
          reasons.add(JsonPath.reason(at, "unknown model " + SnapshotSchema.show(fallback)));
        } else {
          fallbackOf.putIfAbsent(name, fallback);
        }
      }
      if (model.getValue("canary") instanceof JsonObject canary) {
        checkCanary(canary, name, model.getValue("backends"), modelNames, backendIds, JsonPath.field(path, "canary"));
      }
    }
    reportFallbackCycles(fallbackOf, pathOf);
  }

  private void checkCanary(JsonObject canary, String name, Object stablePool, Set<String> modelNames,
                           Set<String> backendIds, String path) {
    boolean hasBackends = canary.containsKey("backends");
    boolean hasModel = canary.containsKey("model");
    if (hasBackends == hasModel) {
      // A schema oneOf would say only "does not match"; this says what to do.
      reasons.add(JsonPath.reason(path, hasBackends
          ? "names both backends and model: a canary is one or the other"
          : "needs backends (a split between backends) or model (a split between models)"));
      return;
    }
    if (canary.getValue("model") instanceof String model) {
      String at = JsonPath.field(path, "model");
      if (model.equals(name)) {
        reasons.add(JsonPath.reason(at, "a model cannot be its own canary"));
      } else if (!modelNames.contains(model)) {
        reasons.add(JsonPath.reason(at, "unknown model " + SnapshotSchema.show(model)));
      }
    }
    if (canary.getValue("backends") instanceof JsonArray pool) {
      for (int b = 0; b < pool.size(); b++) {
        if (!(pool.getValue(b) instanceof String backendId)) {
          continue;
        }
        String at = JsonPath.index(JsonPath.field(path, "backends"), b);
        if (backendIds != null && !backendIds.contains(backendId)) {
          reasons.add(JsonPath.reason(at, "unknown backend " + SnapshotSchema.show(backendId)));
        } else if (stablePool instanceof JsonArray stable && stable.contains(backendId)) {
          reasons.add(JsonPath.reason(at, "backend " + SnapshotSchema.show(backendId)
              + " is in the stable pool too (a split needs two disjoint sides)"));
        }
      }
    }
  }

  /** Each cycle once, at the first model of it in document order. */
  private void reportFallbackCycles(Map<String, String> fallbackOf, Map<String, String> pathOf) {
    Set<String> reported = new HashSet<>();
    pathOf.entrySet().forEach(start -> {
      List<String> chain = new java.util.ArrayList<>();
      String at = start.getKey();
      while (at != null && !chain.contains(at)) {
        chain.add(at);
        at = fallbackOf.get(at);
      }
      if (at != null && at.equals(start.getKey()) && reported.add(at)) {
        chain.forEach(reported::add);
        chain.add(at);
        reasons.add(JsonPath.reason(JsonPath.field(start.getValue(), "fallback"),
            "fallbacks form a cycle: " + String.join(" → ", chain)));
      }
    });
  }

  /** What the schema cannot say about the routing section: the scrape floor, max ≥ base. */
  private void checkRouting(Object value) {
    if (!(value instanceof JsonObject routing)) {
      return;
    }
    if (routing.getValue("scrapeIntervalMs") instanceof Number interval && interval.longValue() > 0
        && interval.longValue() < io.tollgate.gpu.signals.SignalSettings.MIN_SCRAPE_INTERVAL_MILLIS) {
      reasons.add(JsonPath.reason(JsonPath.field(JsonPath.ROOT, "routing.scrapeIntervalMs"),
          "must be 0 (off) or at least " + io.tollgate.gpu.signals.SignalSettings.MIN_SCRAPE_INTERVAL_MILLIS
              + " ms, got " + interval + " (scraping that often costs the backends more than it tells)"));
    }
    if (routing.getValue("ejection") instanceof JsonObject ejection) {
      io.tollgate.gpu.signals.EjectionPolicy d = io.tollgate.gpu.signals.EjectionPolicy.DEFAULT;
      long base = ejection.getValue("baseMs") instanceof Number n ? n.longValue() : d.baseMillis();
      long max = ejection.getValue("maxMs") instanceof Number n ? n.longValue() : d.maxMillis();
      if (max < base) {
        reasons.add(JsonPath.reason(JsonPath.field(JsonPath.ROOT, "routing.ejection.maxMs"),
            "must be at least baseMs (" + base + "), got " + max));
      }
    }
  }

  private void checkOrgs(Object value) {
    if (!(value instanceof JsonArray orgs)) {
      return;
    }
    Unique ids = new Unique("org id");
    for (int i = 0; i < orgs.size(); i++) {
      if (orgs.getValue(i) instanceof JsonObject org && org.getValue("id") instanceof String id) {
        ids.add(id, JsonPath.field(JsonPath.index("orgs", i), "id"));
      }
    }
  }

  /** Returns the backend ids, or null when the list is unusable (references cannot be checked). */
  private Set<String> checkBackends(Object value) {
    if (!(value instanceof JsonArray backends)) {
      return null;
    }
    Unique ids = new Unique("backend id");
    for (int i = 0; i < backends.size(); i++) {
      if (!(backends.getValue(i) instanceof JsonObject backend)) {
        continue;
      }
      String path = JsonPath.index("backends", i);
      if (backend.getValue("id") instanceof String id) {
        ids.add(id, JsonPath.field(path, "id"));
      }
      if (backend.getValue("url") instanceof String url) {
        checkUrl(url, JsonPath.field(path, "url"));
      }
    }
    return ids.seen();
  }

  private void checkUrl(String url, String path) {
    if (!UrlShape.PATTERN.matcher(url).matches()) {
      return; // the schema reports the shape
    }
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null) {
        reasons.add(JsonPath.reason(path, "has no valid host name in " + SnapshotSchema.show(url)));
      } else if (uri.getPort() > 65_535) {
        reasons.add(JsonPath.reason(path, "port " + uri.getPort() + " is out of range in " + SnapshotSchema.show(url)));
      }
    } catch (URISyntaxException e) {
      reasons.add(JsonPath.reason(path, "is not a valid URL: " + e.getMessage()));
    }
  }

  private Set<String> checkModels(Object value, Set<String> backendIds) {
    if (!(value instanceof JsonArray models)) {
      return null;
    }
    Unique names = new Unique("model name");
    for (int i = 0; i < models.size(); i++) {
      if (!(models.getValue(i) instanceof JsonObject model)) {
        continue;
      }
      String path = JsonPath.index("models", i);
      if (model.getValue("name") instanceof String name) {
        names.add(name, JsonPath.field(path, "name"));
      }
      if (backendIds != null && model.getValue("backends") instanceof JsonArray pool) {
        for (int b = 0; b < pool.size(); b++) {
          if (pool.getValue(b) instanceof String backendId && !backendIds.contains(backendId)) {
            reasons.add(JsonPath.reason(JsonPath.index(JsonPath.field(path, "backends"), b),
                "unknown backend " + SnapshotSchema.show(backendId)));
          }
        }
      }
      if (model.getValue("weights") instanceof JsonObject weights) {
        checkWeights(weights, model.getValue("backends"), JsonPath.field(path, "weights"));
      }
      if (model.getValue("prices") instanceof JsonObject prices) {
        checkFinite(prices, "promptPerMillion", JsonPath.field(path, "prices"));
        checkFinite(prices, "completionPerMillion", JsonPath.field(path, "prices"));
      }
    }
    return names.seen();
  }

  /**
   * Weights name backends of the route's own pool, and leave at least one of them above 0 (a
   * route whose every backend is drained could serve nothing). Range and type are the schema's.
   */
  private void checkWeights(JsonObject weights, Object poolValue, String path) {
    if (!(poolValue instanceof JsonArray pool) || pool.isEmpty()) {
      return; // the schema reports the missing, mistyped or empty pool
    }
    for (String backendId : weights.fieldNames()) {
      if (!pool.contains(backendId)) {
        reasons.add(JsonPath.reason(JsonPath.field(path, backendId), "backend " + SnapshotSchema.show(backendId)
            + " is not in this route's backends (a weight applies to a backend of the pool)"));
      }
    }
    boolean anyServes = false;
    for (int b = 0; b < pool.size(); b++) {
      Object weight = pool.getValue(b) instanceof String backendId ? weights.getValue(backendId) : null;
      // A weight that is not a number is the schema's to report; it does not drain anything.
      if (!(weight instanceof Number number) || number.doubleValue() != 0) {
        anyServes = true;
      }
    }
    if (!anyServes) {
      reasons.add(JsonPath.reason(path, "every backend of the route has weight 0: at least one must take "
          + "requests (0 drains a backend)"));
    }
  }

  /** JSON has no NaN or infinity, but YAML does (.nan, .inf), and a schema minimum lets them through. */
  private void checkFinite(JsonObject prices, String field, String path) {
    if (prices.getValue(field) instanceof Number number && !Double.isFinite(number.doubleValue())) {
      reasons.add(JsonPath.reason(JsonPath.field(path, field), "must be a finite number, got " + number));
    }
  }

  private void checkKeys(Object value, Set<String> modelNames) {
    if (!(value instanceof JsonArray keys)) {
      return;
    }
    Unique ids = new Unique("key id");
    Unique hashes = new Unique("key hash");
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.getValue(i) instanceof JsonObject key)) {
        continue;
      }
      String path = JsonPath.index("keys", i);
      if (key.getValue("id") instanceof String id) {
        ids.add(id, JsonPath.field(path, "id"));
      }
      if (key.getValue("hash") instanceof String hash) {
        hashes.add(hash, JsonPath.field(path, "hash"));
      }
      if (modelNames != null && key.getValue("models") instanceof JsonArray allowed) {
        for (int m = 0; m < allowed.size(); m++) {
          if (allowed.getValue(m) instanceof String model && !WILDCARD.equals(model) && !modelNames.contains(model)) {
            reasons.add(JsonPath.reason(JsonPath.index(JsonPath.field(path, "models"), m),
                "unknown model " + SnapshotSchema.show(model) + " (name a configured model or \"*\")"));
          }
        }
      }
    }
  }

  /** Remembers where each value was first seen, and reports later duplicates with that place. */
  private final class Unique {
    private final String what;
    private final Map<String, String> firstPath = new HashMap<>();

    Unique(String what) {
      this.what = what;
    }

    void add(String value, String path) {
      String first = firstPath.putIfAbsent(value, path);
      if (first != null) {
        reasons.add(JsonPath.reason(path, "duplicate " + what + " " + SnapshotSchema.show(value)
            + " (also at " + first + ")"));
      }
    }

    Set<String> seen() {
      return new HashSet<>(firstPath.keySet());
    }
  }

  /** The URL shape the schema demands; read from the schema so the two never disagree. */
  private static final class UrlShape {
    static final Pattern PATTERN = Pattern.compile(
        (String) JsonPath.resolve(SnapshotSchema.get().json(), "#/$defs/backend/properties/url/pattern"));
  }
}
