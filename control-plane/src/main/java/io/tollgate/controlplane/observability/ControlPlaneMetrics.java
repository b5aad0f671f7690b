package io.tollgate.controlplane.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tollgate.controlplane.store.Tx;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The control plane's Prometheus metrics, served at {@code GET /metrics} (names in
 * config/metrics.md; Micrometer names here, e.g. tollgate.control.plane.http.requests →
 * tollgate_control_plane_http_requests_total). Every label value comes from a fixed set: route
 * templates, standard HTTP methods, statuses, outcomes, dependency names.
 */
public final class ControlPlaneMetrics implements AutoCloseable {

  /** Methods outside this set (anyone may send any token as a method) count as OTHER. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  /** An API call is a few queries: 1 ms … 10 s. */
  private static final Duration[] DURATION_BUCKETS = durations(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1, 2.5, 5, 10);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final ConcurrentHashMap<RequestLabels, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RouteLabels, Timer> durations = new ConcurrentHashMap<>();
  /** Outcome counters exist from the start: increase() misses a series whose first sample is already 1. */
  private final Counter configPublished;
  private final Counter configPublicationFailed;
  private final Map<String, Counter> keyRecordWrites = new HashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> dependencies = new ConcurrentHashMap<>();
  private final AtomicLong configVersion = new AtomicLong();
  /** Micrometer holds a function counter's source weakly; this keeps it alive. */
  private final LongSupplier auditRows = Tx::auditRowsWritten;

  public ControlPlaneMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("tollgate.control.plane.config.version", configVersion, AtomicLong::get)
        .description("Latest config version this control plane stored or found in PostgreSQL")
        .register(registry);
    FunctionCounter.builder("tollgate.control.plane.audit.rows", auditRows, LongSupplier::getAsLong)
        .description("Audit rows committed with their change").register(registry);
    configPublished = publications("published");
    configPublicationFailed = publications("failed");
    for (String kind : List.of("record", "revocation")) {
      for (String outcome : List.of("written", "failed")) {
        keyRecordWrites.put(kind + '/' + outcome, Counter.builder("tollgate.control.plane.key.record.writes")
            .description("Key records written to the gateways' Redis and announced, by kind and outcome")
            .tag("kind", kind).tag("outcome", outcome).register(registry));
      }
    }
    for (String dependency : Readiness.DEPENDENCIES) {
      // Up until a check says otherwise: a restart should not page before the first check.
      AtomicInteger up = new AtomicInteger(1);
      dependencies.put(dependency, up);
      Gauge.builder("tollgate.control.plane.dependency.up", up, AtomicInteger::get).tag("dependency", dependency)
          .description("1 when the last readiness check of the dependency succeeded").register(registry);
    }
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** For meters registered elsewhere that /metrics must serve too (the front door's connections). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Connections of the PostgreSQL pool, read at scrape time. */
  public void bindPool(IntSupplier connections) {
    Gauge.builder("tollgate.control.plane.db.pool.connections", connections, IntSupplier::getAsInt)
        .strongReference(true).description("Connections open in the PostgreSQL pool").register(registry);
  }

  /** One HTTP request ended; {@code route} is a template or {@link RequestObserver#UNMATCHED}. */
  public void request(String method, String route, int status, long nanos) {
    String m = METHODS.contains(method) ? method : "OTHER";
    RequestLabels labels = new RequestLabels(m, route, status);
    Counter counter = requests.get(labels);
    if (counter == null) {
      counter = requests.computeIfAbsent(labels, l -> Counter.builder("tollgate.control.plane.http.requests")
          .description("HTTP requests by method, route template and status")
          .tag("method", l.method()).tag("route", l.route()).tag("status", Integer.toString(l.status()))
          .register(registry));
    }
    counter.increment();
    RouteLabels routeLabels = new RouteLabels(m, route);
    Timer timer = durations.get(routeLabels);
    if (timer == null) {
      timer = durations.computeIfAbsent(routeLabels, l -> Timer.builder("tollgate.control.plane.http.request.duration")
          .description("From the request's arrival to the end of its response")
          .tag("method", l.method()).tag("route", l.route())
          .serviceLevelObjectives(DURATION_BUCKETS).register(registry));
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A config version was committed (or read at start); the gauge only moves forward. */
  public void configVersion(long version) {
    configVersion.accumulateAndGet(version, Math::max);
  }

  /** A config version announced on Redis, or not. */
  public void configPublication(boolean published) {
    (published ? configPublished : configPublicationFailed).increment();
  }

  /** A key record written to Redis and announced (kind revocation when the record says revoked), or not. */
  public void keyRecordWrite(boolean revocation, boolean written) {
    keyRecordWrites.get((revocation ? "revocation" : "record") + '/' + (written ? "written" : "failed")).increment();
  }

  /** The result of a readiness check of one dependency. */
  public void dependency(String dependency, boolean up) {
    AtomicInteger gauge = dependencies.get(dependency);
    if (gauge != null) {
      gauge.set(up ? 1 : 0);
    }
  }

  @Override
  public void close() {
    gc.close(); // its GC notification listeners would outlive the registry
    registry.close();
  }

  private Counter publications(String outcome) {
    return Counter.builder("tollgate.control.plane.config.publications")
        .description("Config version announcements on Redis by outcome").tag("outcome", outcome).register(registry);
  }

  private record RequestLabels(String method, String route, int status) {
  }

  private record RouteLabels(String method, String route) {
  }

  private static Duration[] durations(double... seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return out;
  }
}
