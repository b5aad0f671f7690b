package io.tollgate.gateway.config;

import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.signals.SignalSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;

/**
 * Writes a {@link ConfigSnapshot} back in the snapshot format, for snapshots that were built in
 * code rather than read from a document. The form is minimal: a field equal to its default is
 * left out, so a key whose limits match the defaults keeps following them after a round trip.
 * {@code SnapshotParser.parse(toJson(s), s.version())} equals {@code s}.
 */
public final class SnapshotJson {

  private SnapshotJson() {
  }

  public static JsonObject toJson(ConfigSnapshot snapshot) {
    JsonArray backends = new JsonArray();
    snapshot.backends().values().stream()
        .sorted(Comparator.comparing(BackendSpec::id))
        .forEach(backend -> backends.add(new JsonObject()
            .put("id", backend.id())
            .put("url", backend.url().toString())));

    JsonArray models = new JsonArray();
    snapshot.models().values().stream()
        .sorted(Comparator.comparing(ModelRoute::name))
        .forEach(route -> models.add(route(route)));

    JsonArray keys = new JsonArray();
    snapshot.keysByHash().values().stream()
        .sorted(Comparator.comparing(ApiKeySpec::id))
        .forEach(key -> keys.add(key(key, snapshot.defaultLimits())));

    JsonObject json = new JsonObject()
        .put("defaults", new JsonObject()
            .put("limits", limits(snapshot.defaultLimits(), LimitSpec.UNLIMITED, true))
            .put("maxTokens", snapshot.defaultMaxTokens()));
    JsonObject routing = routing(snapshot.routing());
    if (!routing.isEmpty()) {
      json.put("routing", routing);
    }
    return json
        .put("backends", backends)
        .put("models", models)
        .put("keys", keys)
        .put("orgs", orgs(snapshot));
  }

  private static JsonObject routing(SignalSettings settings) {
    SignalSettings d = SignalSettings.DEFAULTS;
    JsonObject json = new JsonObject();
    putIfDifferent(json, "scrapeIntervalMs", settings.scrapeIntervalMillis(), d.scrapeIntervalMillis());
    putIfDifferent(json, "scrapeJitter", settings.jitter(), d.jitter());
    putIfDifferent(json, "scrapeTimeoutMs", settings.scrapeTimeoutMillis(), d.scrapeTimeoutMillis());
    putIfDifferent(json, "staleAfterMs", settings.staleAfterMillis(), d.staleAfterMillis());
    putIfDifferent(json, "healthIntervalMs", settings.healthIntervalMillis(), d.healthIntervalMillis());
    putIfDifferent(json, "healthTimeoutMs", settings.healthTimeoutMillis(), d.healthTimeoutMillis());
    putIfDifferent(json, "unhealthyThreshold", settings.unhealthyThreshold(), d.unhealthyThreshold());
    EjectionPolicy e = settings.ejection();
    EjectionPolicy de = d.ejection();
    JsonObject ejection = new JsonObject();
    putIfDifferent(ejection, "consecutiveFailures", e.consecutiveFailures(), de.consecutiveFailures());
    putIfDifferent(ejection, "baseMs", e.baseMillis(), de.baseMillis());
    putIfDifferent(ejection, "maxMs", e.maxMillis(), de.maxMillis());
    if (!ejection.isEmpty()) {
      json.put("ejection", ejection);
    }
    return json;
  }

  private static void putIfDifferent(JsonObject json, String field, Number value, Number base) {
    if (!value.equals(base)) {
      json.put(field, value);
    }
  }

  private static JsonArray orgs(ConfigSnapshot snapshot) {
    JsonArray orgs = new JsonArray();
    snapshot.orgs().values().stream()
        .sorted(Comparator.comparing(OrgSpec::id))
        .forEach(org -> {
          JsonObject json = new JsonObject().put("id", org.id());
          JsonObject limits = limits(org.limits(), LimitSpec.UNLIMITED, false);
          limits.remove("maxConcurrentStreams");
          if (!limits.isEmpty()) {
            json.put("limits", limits);
          }
          if (org.budget() != null) {
            json.put("budget", budget(org.budget()));
          }
          orgs.add(json);
        });
    return orgs;
  }

  private static JsonObject budget(BudgetSpec budget) {
    JsonObject json = new JsonObject().put("limitUsd", budget.limitUsd())
        .put("period", budget.period().name().toLowerCase(java.util.Locale.ROOT));
    if (!budget.alertsAt().equals(BudgetSpec.DEFAULT_ALERTS)) {
      json.put("alertsAt", new io.vertx.core.json.JsonArray(budget.alertsAt()));
    }
    return json;
  }

  private static JsonObject route(ModelRoute route) {
    JsonObject json = new JsonObject().put("name", route.name());
    if (!route.upstreamModel().equals(route.name())) {
      json.put("upstreamModel", route.upstreamModel());
    }
    json.put("backends", new JsonArray(route.backendIds()));
    if (!route.weights().isEmpty()) {
      JsonObject weights = new JsonObject();
      route.weights().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(entry -> weights.put(entry.getKey(), entry.getValue()));
      json.put("weights", weights);
    }
    if (route.maxAttempts() != SnapshotParser.DEFAULT_MAX_ATTEMPTS) {
      json.put("maxAttempts", route.maxAttempts());
    }
    if (!route.timeouts().equals(ModelRoute.RouteTimeouts.DEFAULT)) {
      JsonObject timeouts = new JsonObject()
          .put("connectMs", route.timeouts().connectMs())
          .put("firstTokenMs", route.timeouts().firstTokenMs())
          .put("idleMs", route.timeouts().idleMs());
      if (route.timeouts().totalMs() != 0) {
        timeouts.put("totalMs", route.timeouts().totalMs());
      }
      json.put("timeouts", timeouts);
    }
    routing(route, json);
    if (!route.prices().equals(ModelRoute.Prices.FREE)) {
      json.put("prices", new JsonObject()
          .put("promptPerMillion", route.prices().promptPerMillion())
          .put("completionPerMillion", route.prices().completionPerMillion()));
    }
    return json;
  }

  /** The routing fields of a route, each only when it differs from its default. */
  private static void routing(ModelRoute route, JsonObject json) {
    ModelRoute.Strategy strategy = route.strategy();
    if (strategy.kind() != ModelRoute.Strategy.DEFAULT.kind()) {
      json.put("strategy", strategy.kind().configName());
    }
    ModelRoute.Scoring s = strategy.scoring();
    ModelRoute.Scoring ds = ModelRoute.Scoring.DEFAULT;
    JsonObject scoring = new JsonObject();
    putIfDifferent(scoring, "queueWeight", s.queueWeight(), ds.queueWeight());
    putIfDifferent(scoring, "kvCacheWeight", s.kvCacheWeight(), ds.kvCacheWeight());
    putIfDifferent(scoring, "inFlightWeight", s.inFlightWeight(), ds.inFlightWeight());
    putIfDifferent(scoring, "maxQueue", s.maxQueue(), ds.maxQueue());
    putIfDifferent(scoring, "maxKvCache", s.maxKvCache(), ds.maxKvCache());
    if (!scoring.isEmpty()) {
      json.put("scoring", scoring);
    }
    ModelRoute.Affinity a = strategy.affinity();
    JsonObject affinity = new JsonObject();
    putIfDifferent(affinity, "prefixChars", a.prefixChars(), ModelRoute.Affinity.DEFAULT.prefixChars());
    putIfDifferent(affinity, "loadFactor", a.loadFactor(), ModelRoute.Affinity.DEFAULT.loadFactor());
    if (!affinity.isEmpty()) {
      json.put("affinity", affinity);
    }
    ModelRoute.RetryBudget budget = route.retryBudget();
    JsonObject retryBudget = new JsonObject();
    putIfDifferent(retryBudget, "ratio", budget.ratio(), ModelRoute.RetryBudget.DEFAULT.ratio());
    putIfDifferent(retryBudget, "minPerSecond", budget.minPerSecond(), ModelRoute.RetryBudget.DEFAULT.minPerSecond());
    if (!retryBudget.isEmpty()) {
      json.put("retryBudget", retryBudget);
    }
    if (route.fallback() != null) {
      json.put("fallback", route.fallback());
    }
    ModelRoute.Canary canary = route.canary();
    if (canary != null) {
      JsonObject c = new JsonObject();
      if (canary.model() != null) {
        c.put("model", canary.model());
      } else {
        c.put("backends", new JsonArray(canary.backendIds()));
      }
      c.put("weight", canary.weight());
      ModelRoute.Rollback r = canary.rollback();
      ModelRoute.Rollback dr = ModelRoute.Rollback.DEFAULT;
      JsonObject rollback = new JsonObject();
      putIfDifferent(rollback, "windowMs", r.windowMs(), dr.windowMs());
      putIfDifferent(rollback, "minRequests", r.minRequests(), dr.minRequests());
      putIfDifferent(rollback, "maxErrorRateIncrease", r.maxErrorRateIncrease(), dr.maxErrorRateIncrease());
      putIfDifferent(rollback, "maxTtftP95Ratio", r.maxTtftP95Ratio(), dr.maxTtftP95Ratio());
      putIfDifferent(rollback, "minTtftP95DeltaMs", r.minTtftP95DeltaMs(), dr.minTtftP95DeltaMs());
      if (!rollback.isEmpty()) {
        c.put("rollback", rollback);
      }
      json.put("canary", c);
    }
  }

  private static JsonObject key(ApiKeySpec key, LimitSpec defaults) {
    JsonObject json = new JsonObject()
        .put("id", key.id())
        .put("hash", key.hash())
        .put("org", key.org())
        .put("models", new JsonArray(key.models().stream().sorted().toList()));
    JsonObject limits = limits(key.limits(), defaults, false);
    if (!limits.isEmpty()) {
      json.put("limits", limits);
    }
    if (key.budget() != null) {
      json.put("budget", budget(key.budget()));
    }
    return json;
  }

  /** Writes the fields that differ from {@code base}, or all of them when {@code all}. */
  private static JsonObject limits(LimitSpec limits, LimitSpec base, boolean all) {
    JsonObject json = new JsonObject();
    if (all || limits.requestsPerMinute() != base.requestsPerMinute()) {
      json.put("requestsPerMinute", limits.requestsPerMinute());
    }
    if (all || limits.tokensPerMinute() != base.tokensPerMinute()) {
      json.put("tokensPerMinute", limits.tokensPerMinute());
    }
    if (all || limits.maxConcurrentStreams() != base.maxConcurrentStreams()) {
      json.put("maxConcurrentStreams", limits.maxConcurrentStreams());
    }
    return json;
  }
}
