package io.tollgate.gateway.config;

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

    return new JsonObject()
        .put("defaults", new JsonObject()
            .put("limits", limits(snapshot.defaultLimits(), LimitSpec.UNLIMITED, true))
            .put("maxTokens", snapshot.defaultMaxTokens()))
        .put("backends", backends)
        .put("models", models)
        .put("keys", keys)
        .put("orgs", orgs(snapshot));
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
    return new JsonObject().put("limitUsd", budget.limitUsd())
        .put("period", budget.period().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static JsonObject route(ModelRoute route) {
    JsonObject json = new JsonObject().put("name", route.name());
    if (!route.upstreamModel().equals(route.name())) {
      json.put("upstreamModel", route.upstreamModel());
    }
    json.put("backends", new JsonArray(route.backendIds()));
    if (route.maxAttempts() != SnapshotParser.DEFAULT_MAX_ATTEMPTS) {
      json.put("maxAttempts", route.maxAttempts());
    }
    if (!route.timeouts().equals(ModelRoute.RouteTimeouts.DEFAULT)) {
      json.put("timeouts", new JsonObject()
          .put("connectMs", route.timeouts().connectMs())
          .put("firstTokenMs", route.timeouts().firstTokenMs())
          .put("idleMs", route.timeouts().idleMs()));
    }
    if (!route.prices().equals(ModelRoute.Prices.FREE)) {
      json.put("prices", new JsonObject()
          .put("promptPerMillion", route.prices().promptPerMillion())
          .put("completionPerMillion", route.prices().completionPerMillion()));
    }
    return json;
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
