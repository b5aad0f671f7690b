package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.signals.LoadSignals;
import io.tollgate.gpu.signals.ScrapedMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.Map;

/**
 * The routing state as JSON, for {@code GET /admin/routing}: each backend's signals (fresh or
 * stale, queue, KV, hit rate, observed TTFT), health and ejection; each route's strategy, its
 * backends' weights (0: drained), retry budget, and canary (configured and effective weight,
 * window figures, rollback decision).
 */
final class RoutingStatus {

  private RoutingStatus() {
  }

  static JsonObject of(BackendPool pool, RouteTable table, Map<String, RouteState> routeStates) {
    long now = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    long stale = table.snapshot().routing().staleAfterNanos();
    JsonArray backends = new JsonArray();
    pool.states().stream()
        .filter(state -> table.snapshot().backends().containsValue(state.spec()))
        .sorted(Comparator.comparing(state -> state.spec().id()))
        .forEach(state -> backends.add(backend(state, now, stale)));
    JsonArray routes = new JsonArray();
    table.plans().values().stream()
        .sorted(Comparator.comparing(plan -> plan.route().name()))
        .forEach(plan -> routes.add(route(plan, nowMillis)));
    return new JsonObject()
        .put("configVersion", table.snapshot().version())
        .put("backends", backends)
        .put("models", routes)
        .put("totals", new JsonObject()
            .put("ejections", pool.ejections())
            .put("unavailableBackends", pool.unavailableBackends())
            .put("staleBackends", pool.staleBackends())
            .put("retriesAllowed", pool.retriesAllowed())
            .put("retriesDenied", pool.retriesDenied())
            .put("fallbacks", pool.fallbacks())
            .put("canaryRollbacks", pool.canaryRollbacks()));
  }

  private static JsonObject backend(BackendState state, long now, long stale) {
    LoadSignals signals = state.signals();
    JsonObject json = new JsonObject()
        .put("id", state.spec().id())
        .put("url", state.spec().url().toString())
        .put("inFlight", state.inFlight())
        .put("available", state.available())
        .put("healthy", signals.healthy())
        .put("ejection", new JsonObject()
            .put("phase", state.ejection().phase().name().toLowerCase(java.util.Locale.ROOT))
            .put("ejections", state.ejection().ejections())
            .put("consecutiveFailures", state.ejection().consecutiveFailures())
            .put("remainingMs", state.ejection().remainingMillis(now)))
        .put("observedTtftMs", finite(signals.ttftMillis()))
        .put("failures", state.failures())
        .put("successes", state.successes());
    LoadSignals.Reading reading = signals.reading();
    JsonObject metrics = new JsonObject()
        .put("fresh", signals.fresh(now, stale))
        .put("ageMs", signals.scrapeAgeMillis(now))
        .put("scrapes", signals.scrapes())
        .put("scrapeFailures", signals.scrapeFailures())
        .put("lastError", signals.lastScrapeError());
    if (reading != null) {
      ScrapedMetrics m = reading.metrics();
      metrics.put("running", m.running())
          .put("waiting", m.waiting())
          .put("kvCacheUsage", finite(m.kvCacheUsage()))
          .put("prefixCacheHitRate", finite(reading.prefixHitRate()));
    }
    return json.put("metrics", metrics);
  }

  private static JsonObject route(RoutePlan plan, long nowMillis) {
    RouteState state = plan.state();
    JsonObject json = new JsonObject()
        .put("name", plan.route().name())
        .put("strategy", plan.route().strategy().kind().configName())
        .put("backends", new JsonArray(plan.route().backendIds()))
        .put("weights", weights(plan.route()))
        .put("fallback", plan.route().fallback())
        .put("retryBudget", new JsonObject()
            .put("requestsInWindow", state.retryBudget().requestsInWindow(nowMillis))
            .put("retriesInWindow", state.retryBudget().retriesInWindow(nowMillis))
            .put("allowed", state.retryBudget().allowed())
            .put("denied", state.retryBudget().denied()));
    CanaryJudge judge = state.canary();
    if (judge != null) {
      CanaryJudge.Decision decision = judge.decision();
      JsonObject canary = new JsonObject()
          .put("target", judge.spec().model() != null ? new JsonObject().put("model", judge.spec().model())
              : new JsonObject().put("backends", new JsonArray(judge.spec().backendIds())))
          .put("configuredWeight", judge.spec().weight())
          .put("weight", judge.weight())
          .put("stable", side(judge.stableStats(nowMillis)))
          .put("canary", side(judge.canaryStats(nowMillis)))
          .put("rolledBack", decision == null ? null : new JsonObject()
              .put("at", decision.at().toString())
              .put("reason", decision.reason())
              .put("stable", side(decision.stable()))
              .put("canary", side(decision.canary())));
      json.put("canary", canary);
    }
    return json;
  }

  /** Every backend of the pool with its weight, defaults included (0: drained), in pool order. */
  private static JsonObject weights(ModelRoute route) {
    JsonObject weights = new JsonObject();
    route.backendIds().forEach(id -> weights.put(id, route.weight(id)));
    return weights;
  }

  private static JsonObject side(CanaryJudge.SideStats stats) {
    return new JsonObject()
        .put("requests", stats.requests())
        .put("errors", stats.errors())
        .put("errorRate", stats.errorRate())
        .put("ttftP95Ms", finite(stats.ttftP95Millis()));
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
