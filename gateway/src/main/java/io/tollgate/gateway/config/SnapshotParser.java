package io.tollgate.gateway.config;

import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.signals.SignalSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated raw snapshot into a {@link ConfigSnapshot}, filling every default, so the
 * request path never has to ask "was this set?".
 */
public final class SnapshotParser {

  /** Limits when the snapshot has no {@code defaults.limits} (same as the shipped gateway.yaml). */
  public static final LimitSpec BUILT_IN_LIMITS = new LimitSpec(600, 1_000_000, 64);
  /** Completion tokens reserved when neither the request nor {@code defaults.maxTokens} says. */
  public static final int BUILT_IN_MAX_TOKENS = 256;
  /** One try plus one retry on another backend. */
  public static final int DEFAULT_MAX_ATTEMPTS = 2;

  private SnapshotParser() {
  }

  /** Validates, then parses; the one call for anyone holding an untrusted document. */
  public static ConfigSnapshot validateAndParse(JsonObject snapshot, long version) {
    List<String> reasons = SnapshotValidator.validate(snapshot);
    if (!reasons.isEmpty()) {
      throw new ConfigException(reasons);
    }
    return parse(snapshot, version);
  }

  /**
   * Parses a snapshot that {@link SnapshotValidator} accepted. On an unvalidated document it may
   * throw ClassCastException or NullPointerException.
   */
  public static ConfigSnapshot parse(JsonObject snapshot, long version) {
    JsonObject defaults = objectOrEmpty(snapshot, "defaults");
    LimitSpec defaultLimits = limits(objectOrEmpty(defaults, "limits"), BUILT_IN_LIMITS);
    int defaultMaxTokens = defaults.getInteger("maxTokens", BUILT_IN_MAX_TOKENS);
    return new ConfigSnapshot(
        version,
        backends(snapshot.getJsonArray("backends", new JsonArray())),
        models(snapshot.getJsonArray("models", new JsonArray())),
        keys(snapshot.getJsonArray("keys", new JsonArray()), defaultLimits),
        defaultLimits,
        defaultMaxTokens,
        orgs(snapshot.getJsonArray("orgs", new JsonArray())),
        routing(snapshot.getJsonObject("routing")));
  }

  /** Fleet-wide signal settings; each field left out takes its default. */
  static SignalSettings routing(JsonObject routing) {
    SignalSettings d = SignalSettings.DEFAULTS;
    if (routing == null) {
      return d;
    }
    JsonObject ejection = objectOrEmpty(routing, "ejection");
    EjectionPolicy e = d.ejection();
    return new SignalSettings(
        routing.getLong("scrapeIntervalMs", d.scrapeIntervalMillis()),
        routing.getDouble("scrapeJitter", d.jitter()),
        routing.getLong("scrapeTimeoutMs", d.scrapeTimeoutMillis()),
        routing.getLong("staleAfterMs", d.staleAfterMillis()),
        routing.getLong("healthIntervalMs", d.healthIntervalMillis()),
        routing.getLong("healthTimeoutMs", d.healthTimeoutMillis()),
        routing.getInteger("unhealthyThreshold", d.unhealthyThreshold()),
        d.maxBodyBytes(),
        new EjectionPolicy(
            ejection.getInteger("consecutiveFailures", e.consecutiveFailures()),
            ejection.getLong("baseMs", e.baseMillis()),
            ejection.getLong("maxMs", e.maxMillis())));
  }

  private static Map<String, OrgSpec> orgs(JsonArray list) {
    Map<String, OrgSpec> orgs = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject org = list.getJsonObject(i);
      String id = org.getString("id");
      orgs.put(id, new OrgSpec(id, limits(objectOrEmpty(org, "limits"), LimitSpec.UNLIMITED),
          budget(org.getJsonObject("budget"))));
    }
    return orgs;
  }

  /** A budget object of the snapshot or of a key record (config/schemas); null for none. */
  public static BudgetSpec budget(JsonObject budget) {
    if (budget == null) {
      return null;
    }
    JsonArray alertsAt = budget.getJsonArray("alertsAt");
    return new BudgetSpec(budget.getDouble("limitUsd"),
        BudgetSpec.Period.valueOf(budget.getString("period", "month").toUpperCase(java.util.Locale.ROOT)),
        alertsAt == null ? null : alertsAt.stream().map(n -> ((Number) n).intValue()).sorted().toList());
  }

  private static Map<String, BackendSpec> backends(JsonArray list) {
    Map<String, BackendSpec> backends = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject backend = list.getJsonObject(i);
      String id = backend.getString("id");
      backends.put(id, new BackendSpec(id, URI.create(backend.getString("url"))));
    }
    return backends;
  }

  private static Map<String, ModelRoute> models(JsonArray list) {
    Map<String, ModelRoute> models = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject model = list.getJsonObject(i);
      String name = model.getString("name");
      models.put(name, new ModelRoute(
          name,
          model.getString("upstreamModel", name),
          strings(model.getJsonArray("backends")),
          timeouts(model.getJsonObject("timeouts")),
          model.getInteger("maxAttempts", DEFAULT_MAX_ATTEMPTS),
          prices(model.getJsonObject("prices")),
          strategy(model),
          retryBudget(model.getJsonObject("retryBudget")),
          model.getString("fallback"),
          canary(model.getJsonObject("canary")),
          weights(model.getJsonObject("weights"))));
    }
    return models;
  }

  /** Backend id → weight, as written (a backend not named keeps the default, 1). */
  private static Map<String, Integer> weights(JsonObject weights) {
    Map<String, Integer> parsed = new LinkedHashMap<>();
    if (weights != null) {
      weights.forEach(entry -> parsed.put(entry.getKey(), ((Number) entry.getValue()).intValue()));
    }
    return parsed;
  }

  private static ModelRoute.Strategy strategy(JsonObject model) {
    String kind = model.getString("strategy");
    ModelRoute.Scoring d = ModelRoute.Scoring.DEFAULT;
    JsonObject scoring = objectOrEmpty(model, "scoring");
    ModelRoute.Affinity a = ModelRoute.Affinity.DEFAULT;
    JsonObject affinity = objectOrEmpty(model, "affinity");
    return new ModelRoute.Strategy(
        kind == null ? ModelRoute.Strategy.DEFAULT.kind() : ModelRoute.Strategy.Kind.ofConfigName(kind),
        new ModelRoute.Scoring(
            scoring.getDouble("queueWeight", d.queueWeight()),
            scoring.getDouble("kvCacheWeight", d.kvCacheWeight()),
            scoring.getDouble("inFlightWeight", d.inFlightWeight()),
            scoring.getInteger("maxQueue", d.maxQueue()),
            scoring.getDouble("maxKvCache", d.maxKvCache())),
        new ModelRoute.Affinity(
            affinity.getInteger("prefixChars", a.prefixChars()),
            affinity.getDouble("loadFactor", a.loadFactor())));
  }

  private static ModelRoute.RetryBudget retryBudget(JsonObject budget) {
    ModelRoute.RetryBudget d = ModelRoute.RetryBudget.DEFAULT;
    if (budget == null) {
      return d;
    }
    return new ModelRoute.RetryBudget(budget.getDouble("ratio", d.ratio()),
        budget.getInteger("minPerSecond", d.minPerSecond()));
  }

  private static ModelRoute.Canary canary(JsonObject canary) {
    if (canary == null) {
      return null;
    }
    ModelRoute.Rollback d = ModelRoute.Rollback.DEFAULT;
    JsonObject rollback = objectOrEmpty(canary, "rollback");
    JsonArray backends = canary.getJsonArray("backends");
    return new ModelRoute.Canary(
        backends == null ? List.of() : strings(backends),
        canary.getString("model"),
        canary.getInteger("weight"),
        new ModelRoute.Rollback(
            rollback.getLong("windowMs", d.windowMs()),
            rollback.getInteger("minRequests", d.minRequests()),
            rollback.getDouble("maxErrorRateIncrease", d.maxErrorRateIncrease()),
            rollback.getDouble("maxTtftP95Ratio", d.maxTtftP95Ratio()),
            rollback.getLong("minTtftP95DeltaMs", d.minTtftP95DeltaMs())));
  }

  private static ModelRoute.RouteTimeouts timeouts(JsonObject timeouts) {
    ModelRoute.RouteTimeouts fallback = ModelRoute.RouteTimeouts.DEFAULT;
    if (timeouts == null) {
      return fallback;
    }
    return new ModelRoute.RouteTimeouts(
        timeouts.getLong("connectMs", fallback.connectMs()),
        timeouts.getLong("firstTokenMs", fallback.firstTokenMs()),
        timeouts.getLong("idleMs", fallback.idleMs()),
        timeouts.getLong("totalMs", fallback.totalMs()));
  }

  private static ModelRoute.Prices prices(JsonObject prices) {
    if (prices == null) {
      return ModelRoute.Prices.FREE;
    }
    return new ModelRoute.Prices(
        prices.getDouble("promptPerMillion", 0.0),
        prices.getDouble("completionPerMillion", 0.0));
  }

  private static Map<String, ApiKeySpec> keys(JsonArray list, LimitSpec defaultLimits) {
    Map<String, ApiKeySpec> keys = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject key = list.getJsonObject(i);
      String hash = key.getString("hash");
      keys.put(hash, new ApiKeySpec(
          key.getString("id"),
          hash,
          key.getString("org"),
          new HashSet<>(strings(key.getJsonArray("models"))),
          limits(objectOrEmpty(key, "limits"), defaultLimits),
          budget(key.getJsonObject("budget"))));
    }
    return keys;
  }

  /** Each field left out takes the fallback's value, so a key can override only what it needs. */
  static LimitSpec limits(JsonObject limits, LimitSpec fallback) {
    return new LimitSpec(
        limits.getLong("requestsPerMinute", fallback.requestsPerMinute()),
        limits.getLong("tokensPerMinute", fallback.tokensPerMinute()),
        limits.getInteger("maxConcurrentStreams", fallback.maxConcurrentStreams()));
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String.class::cast).toList();
  }

  private static JsonObject objectOrEmpty(JsonObject parent, String field) {
    JsonObject child = parent.getJsonObject(field);
    return child == null ? new JsonObject() : child;
  }
}
