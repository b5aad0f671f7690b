package io.tollgate.gateway.route;

import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.signals.ScrapedMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A pool over fake backends b1..bN with one route "m", for choices without any network. */
final class Fleet {

  final BackendPool pool = new BackendPool();
  ConfigSnapshot snapshot;

  Fleet(int backends, UnaryOperator<ModelRoute> route) {
    this(backends, route, Map.of());
  }

  /** {@code others}: more routes (fallbacks, canary models), over the same backends. */
  Fleet(int backends, UnaryOperator<ModelRoute> route, Map<String, ModelRoute> others) {
    Map<String, BackendSpec> specs = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= backends; i++) {
      specs.put("b" + i, new BackendSpec("b" + i, URI.create("http://10.0.0." + i + ":8000")));
      ids.add("b" + i);
    }
    Map<String, ModelRoute> models = new HashMap<>(others);
    models.put("m", route.apply(new ModelRoute("m", "m", ids, ModelRoute.RouteTimeouts.DEFAULT, 2,
        ModelRoute.Prices.FREE)));
    snapshot = new ConfigSnapshot(1, specs, models, Map.of(), LimitSpec.UNLIMITED, 64);
  }

  static ModelRoute route(String name, List<String> ids) {
    return new ModelRoute(name, name + "-upstream", ids, ModelRoute.RouteTimeouts.DEFAULT, 2, ModelRoute.Prices.FREE);
  }

  BackendState state(String id) {
    return pool.stateOf(snapshot.backends().get(id));
  }

  /** Publishes a fresh scrape of a backend. */
  void scraped(String id, int running, int waiting, double kv) {
    state(id).signals().scraped(new ScrapedMetrics(running, waiting, kv, Double.NaN, Double.NaN, Double.NaN),
        System.nanoTime());
  }

  /** Publishes a scrape that is already older than the staleness bound. */
  void scrapedLongAgo(String id, int running, int waiting, double kv) {
    state(id).signals().scraped(new ScrapedMetrics(running, waiting, kv, Double.NaN, Double.NaN, Double.NaN),
        System.nanoTime() - snapshot.routing().staleAfterNanos() - 1_000_000_000L);
  }

  RequestRoute open() {
    return open(null, chat("hello"));
  }

  RequestRoute open(String session, JsonObject body) {
    return pool.open(snapshot, snapshot.models().get("m"), session, () -> body);
  }

  /** The backend of a request's first choice (left in flight). */
  String choose() {
    BackendState chosen = open().next();
    return chosen == null ? null : chosen.spec().id();
  }

  /** Chooses and releases at once, {@code times} times; counts per backend. */
  Map<String, Integer> spread(int times) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < times; i++) {
      RequestRoute request = open();
      BackendState chosen = request.next();
      counts.merge(chosen.spec().id(), 1, Integer::sum);
      request.released(chosen, false);
    }
    return counts;
  }

  static JsonObject chat(String system) {
    return new JsonObject().put("model", "m").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", system))
        .add(new JsonObject().put("role", "user").put("content", "question " + Math.random())));
  }

  /** Ejects a backend through real failures (the default policy's count in a row). */
  void eject(String id) {
    BackendState state = state(id);
    for (int i = 0; i < snapshot.routing().ejection().consecutiveFailures(); i++) {
      state.begin();
      state.end(true);
    }
  }
}
