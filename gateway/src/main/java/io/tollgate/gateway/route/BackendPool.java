package io.tollgate.gateway.route;

import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.signals.FleetMonitor;
import io.tollgate.gpu.signals.SignalSettings;
import io.tollgate.gpu.signals.SignalTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Chooses backends for requests, per route, from live load signals: the strategy the route names
 * (least-load by default), skipping ejected and unhealthy backends, with retries, fallbacks and
 * canary splits (see {@link RequestRoute}). Owns the per-backend states (which outlive config
 * snapshots), the per-route states (retry budgets, canary judges), and the fleet monitor that
 * scrapes {@code /metrics} and checks {@code /health}, one per gateway process.
 *
 * <p>Thread-safe: the request path reads immutable plans and atomics, without locks.
 */
public final class BackendPool {

  private final StoredResponses storedResponses;
  private final ConcurrentHashMap<BackendSpec, BackendState> states = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RouteState> routes = new ConcurrentHashMap<>();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong canaryRollbacks = new AtomicLong();
  private volatile RouteTable table;
  /** The table before the last reload: requests that started earlier keep using it. */
  private volatile RouteTable previous;
  private volatile FleetMonitor monitor;

  public BackendPool() {
    this(new StoredResponses());
  }

  /** With {@code storedResponses} shared between replicas (platform mode). */
  public BackendPool(StoredResponses storedResponses) {
    this.storedResponses = storedResponses;
  }

  /** The stored Responses-API responses this gateway created, by id, with the backend that holds each. */
  public StoredResponses storedResponses() {
    return storedResponses;
  }


  /**
   * Starts routing {@code request} for {@code route} of {@code snapshot} (the snapshot the request
   * took at its start): draws its side of a canary split.
   *
   * @param sessionId the request's {@code x-session-id} header, or null (prefix affinity)
   * @param body      the request's JSON, asked for only by prefix affinity (it reads {@code user} and the prompt)
   */
  public RequestRoute open(ConfigSnapshot snapshot, ModelRoute route, String sessionId, Supplier<JsonObject> body) {
    RouteTable current = tableFor(snapshot);
    RoutePlan plan = current.plan(route.name());
    if (plan == null || plan.route() != route) {
      // A route built in code and not part of the snapshot (tests): plan it on its own.
      plan = new RoutePlan(route, route.backendIds().stream().map(id -> snapshot.backends().get(id))
          .filter(spec -> spec != null).map(this::stateOf).toArray(BackendState[]::new), routeState(route, false),
          snapshot.routing().staleAfterNanos());
    }
    return new RequestRoute(this, current, plan, sessionId, body);
  }

  public BackendState stateOf(BackendSpec spec) {
    return states.computeIfAbsent(spec, key -> {
      BackendState state = new BackendState(key);
      RouteTable now = table;
      if (now != null) {
        state.policy(now.snapshot().routing().ejection());
      }
      return state;
    });
  }

  /** Every backend this gateway knows, in no particular order. */
  public Collection<BackendState> states() {
    return List.copyOf(states.values());
  }

  /**
   * The state of a route by name; {@code follow} makes it follow this config of the route (only
   * for the newest snapshot, so that planning an older one never resets a canary's judgement).
   */
  RouteState routeState(ModelRoute route, boolean follow) {
    RouteState state = routes.computeIfAbsent(route.name(), name -> {
      RouteState created = new RouteState(name);
      created.configure(route);
      return created;
    });
    if (follow) {
      state.configure(route);
    }
    return state;
  }

  private RouteTable tableFor(ConfigSnapshot snapshot) {
    RouteTable current = table;
    if (current != null && current.snapshot() == snapshot) {
      return current;
    }
    RouteTable older = previous;
    if (older != null && older.snapshot() == snapshot) {
      return older;
    }
    return install(snapshot);
  }

  /** Builds the plans of a snapshot; the newest version becomes the current table. */
  private synchronized RouteTable install(ConfigSnapshot snapshot) {
    RouteTable current = table;
    if (current != null && current.snapshot() == snapshot) {
      return current;
    }
    boolean newest = current == null || snapshot.version() >= current.snapshot().version();
    RouteTable built = RouteTable.build(snapshot, this, newest);
    if (newest) {
      previous = current;
      table = built;
      states.values().forEach(state -> state.policy(snapshot.routing().ejection()));
    }
    return built;
  }

  /**
   * Follows a newly applied snapshot: plans its routes, watches its backends, and drops the state
   * of backends and routes it no longer names (a backend only once nothing is in flight there).
   */
  public void retainOnly(ConfigSnapshot snapshot) {
    states.entrySet().removeIf(entry -> !snapshot.backends().containsValue(entry.getKey())
        && entry.getValue().inFlight() == 0);
    routes.keySet().removeIf(name -> !snapshot.models().containsKey(name));
    install(snapshot);
    watch(snapshot);
  }

  /**
   * Deploys the fleet monitor (scrapes and health checks of the snapshot's backends); completes
   * with its deployment id, which the caller undeploys at shutdown.
   */
  public Future<String> startMonitoring(Vertx vertx, ConfigSnapshot snapshot) {
    return startMonitoring(vertx, snapshot, new io.vertx.core.http.HttpClientOptions());
  }

  /**
   * As {@link #startMonitoring(Vertx, ConfigSnapshot)}, scraping and health-checking {@code https://}
   * backends with {@code client}'s trust (the data plane's: a backend that fails it is unhealthy).
   */
  public Future<String> startMonitoring(Vertx vertx, ConfigSnapshot snapshot, io.vertx.core.http.HttpClientOptions client) {
    install(snapshot);
    FleetMonitor started = new FleetMonitor(snapshot.routing(), client);
    monitor = started;
    watch(snapshot);
    return vertx.deployVerticle(started);
  }

  private void watch(ConfigSnapshot snapshot) {
    FleetMonitor current = monitor;
    if (current == null) {
      return;
    }
    List<SignalTarget> targets = new ArrayList<>();
    for (BackendSpec spec : snapshot.backends().values()) {
      BackendState state = stateOf(spec);
      targets.add(new SignalTarget(spec.id(), spec.url(), state.signals()));
    }
    current.watch(targets, snapshot.routing());
  }

  void fellBack() {
    fallbacks.incrementAndGet();
  }

  void canaryRolledBack() {
    canaryRollbacks.incrementAndGet();
  }

  // ---- figures for metrics (plain getters; the metrics package registers them) ---------------

  /** Ejections of any backend since start (monotonic). */
  public long ejections() {
    return states.values().stream().mapToLong(state -> state.ejection().ejections()).sum();
  }

  /** Backends out of rotation now: ejected (or half-open) or failing health checks. */
  public int unavailableBackends() {
    return (int) states.values().stream().filter(state -> !state.available()).count();
  }

  /** Backends whose metrics are stale now (scored from this gateway's in-flight counts). */
  public int staleBackends() {
    long now = System.nanoTime();
    long stale = staleAfterNanos();
    return (int) states.values().stream().filter(state -> !state.signals().fresh(now, stale)).count();
  }

  /** Age of the oldest last scrape among known backends, ms (-1 when none was ever scraped). */
  public long oldestScrapeAgeMillis() {
    long now = System.nanoTime();
    return states.values().stream().mapToLong(state -> state.signals().scrapeAgeMillis(now)).max().orElse(-1);
  }

  /** Retries the budgets allowed since start (monotonic). */
  public long retriesAllowed() {
    return routes.values().stream().mapToLong(route -> route.retryBudget().allowed()).sum();
  }

  /** Retries the budgets refused since start (monotonic). */
  public long retriesDenied() {
    return routes.values().stream().mapToLong(route -> route.retryBudget().denied()).sum();
  }

  /** Requests switched to a fallback model since start (monotonic). */
  public long fallbacks() {
    return fallbacks.get();
  }

  /** Canary rollbacks since start (monotonic). */
  public long canaryRollbacks() {
    return canaryRollbacks.get();
  }

  /** The canary weight of a route now: its configured percent, 0 after a rollback, -1 without canary. */
  public int canaryWeight(String model) {
    RouteState state = routes.get(model);
    CanaryJudge judge = state == null ? null : state.canary();
    return judge == null ? -1 : judge.weight();
  }

  long staleAfterNanos() {
    RouteTable current = table;
    return current == null ? SignalSettings.DEFAULTS.staleAfterNanos() : current.snapshot().routing().staleAfterNanos();
  }

  /** The admin view: backends with their signals and ejections, routes with budgets and canaries. */
  public JsonObject status(ConfigSnapshot snapshot) {
    return RoutingStatus.of(this, tableFor(snapshot), routes);
  }
}
