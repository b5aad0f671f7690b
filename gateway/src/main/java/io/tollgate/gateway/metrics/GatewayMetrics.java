package io.tollgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
import io.netty.buffer.PooledByteBufAllocator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's Prometheus metrics (names and labels documented in config/metrics.md; Micrometer
 * names here, exposed in Prometheus form, e.g. tollgate.requests → tollgate_requests_total). Label
 * values are bounded: models are the configured ones ("other" for names not in the config),
 * statuses are HTTP codes, error kinds are the gateway's own codes. Meters are cached per label
 * set, so recording on the request path is a map lookup and an atomic add.
 */
public final class GatewayMetrics {

  /** LLM-shaped buckets: TTFT from a few ms to a minute. */
  private static final Duration[] TTFT_BUCKETS = durations(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      20, 30, 60);
  private static final Duration[] ITL_BUCKETS = durations(0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
      0.25, 0.5, 1, 2.5);
  private static final Duration[] E2E_BUCKETS = durations(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300,
      600);
  private static final Duration[] REDIS_BUCKETS = durations(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25, 1);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
      new PrometheusRegistry(), CoarseWallClock.INSTANCE);
  private final ConcurrentHashMap<RequestLabels, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ModelMeters> models = new ConcurrentHashMap<>();
  /** By decision, then by who decided: no key string built per request (the concatenation showed in the profile). */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> admissions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> backendSelections = new ConcurrentHashMap<>();
  private final Timer redisAdmission;
  private final DistributionSummary eventLoopLag;
  /** Micrometer holds a function counter's source weakly; these references keep them alive. */
  private final List<Object> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Per-backend gauges, set by {@link #bindRouting}; their rows are re-read at each scrape. */
  private io.micrometer.core.instrument.MultiGauge backendInFlight;
  private io.micrometer.core.instrument.MultiGauge backendAvailable;
  private io.tollgate.gateway.route.BackendPool pool;

  public GatewayMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    Gauge.builder("tollgate.netty.allocator.used", allocator, a -> a.metric().usedDirectMemory()).baseUnit("bytes")
        .tag("memory", "direct").description("Netty pooled allocator memory in use").register(registry);
    Gauge.builder("tollgate.netty.allocator.used", allocator, a -> a.metric().usedHeapMemory()).baseUnit("bytes")
        .tag("memory", "heap").description("Netty pooled allocator memory in use").register(registry);
    redisAdmission = Timer.builder("tollgate.limiter.redis")
        .description("Time of the Redis admission script, as the gateway saw it")
        .serviceLevelObjectives(REDIS_BUCKETS).register(registry);
    eventLoopLag = DistributionSummary.builder("tollgate.event.loop.lag")
        .description("How late a timer on each event loop fired: time the loop was busy with other work")
        .baseUnit("seconds")
        .serviceLevelObjectives(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1)
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    refreshBackends();
    return registry.scrape();
  }

  /** One request ended (any ending), with what it used. */
  public void requestFinished(String model, String endpoint, int status, String errorKind,
                              long ttftNanos, long durationNanos, long promptTokens, long completionTokens) {
    counter(new RequestLabels(model, endpoint, status, errorKind == null ? "none" : errorKind)).increment();
    ModelMeters meters = model(model);
    meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
    if (ttftNanos >= 0) {
      meters.ttft.record(ttftNanos, TimeUnit.NANOSECONDS);
    }
    if (promptTokens > 0) {
      meters.promptTokens.increment(promptTokens);
    }
    if (completionTokens > 0) {
      meters.completionTokens.increment(completionTokens);
    }
  }

  /** A request refused before it reached a backend (bad input, key, model, limits). */
  public void requestRejected(String model, String endpoint, int status, String errorKind) {
    counter(new RequestLabels(model == null ? "none" : model, endpoint, status, errorKind)).increment();
  }

  /**
   * The timer of the gaps between two token-carrying reads from the backend, for a stream to record
   * into without a lookup per token.
   */
  public Timer interTokenGaps(String model) {
    return model(model).itl;
  }

  /** An admission decision: "admitted", or the refusal's error code; and where it was decided. */
  public void admission(String decision, String decidedBy) {
    admissions.computeIfAbsent(decision, d -> new ConcurrentHashMap<>(4))
        .computeIfAbsent(decidedBy, by -> Counter.builder("tollgate.limiter.decisions")
            .description("Admission decisions by outcome and by who decided (redis, local, fail_open, fail_closed)")
            .tag("decision", decision).tag("decided_by", decidedBy).register(registry))
        .increment();
  }

  public void redisAdmissionTime(long nanos) {
    redisAdmission.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void backendSelected(String backend) {
    backendSelections.computeIfAbsent(backend, id -> Counter.builder("tollgate.backend.selections")
        .description("Backends chosen for requests (retries included)").tag("backend", id).register(registry))
        .increment();
  }

  public void eventLoopLag(long nanos) {
    eventLoopLag.record(nanos / 1e9);
  }

  /** Registers a gauge read from {@code source} at scrape time. */
  public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
    Gauge.builder(name, source, value).description(description).tags(tags).strongReference(true).register(registry);
  }

  /** Registers a counter whose value is read from a monotonic source at scrape time. */
  public void monotonic(String name, String description, Supplier<Number> value, String... tags) {
    sources.add(value);
    io.micrometer.core.instrument.FunctionCounter.builder(name, value, v -> v.get().doubleValue())
        .description(description).tags(tags).register(registry);
  }

  /** The routing state of the backend pool: ejections, stale signals, retries, fallbacks, canaries. */
  public void bindRouting(io.tollgate.gateway.route.BackendPool pool) {
    monotonic("tollgate.backend.ejections", "Backends ejected after consecutive failures", pool::ejections);
    gauge("tollgate.backend.unavailable", "Backends ejected or failing health checks now", pool,
        io.tollgate.gateway.route.BackendPool::unavailableBackends);
    gauge("tollgate.backend.stale.signals", "Backends whose /metrics are older than the staleness bound", pool,
        io.tollgate.gateway.route.BackendPool::staleBackends);
    gauge("tollgate.backend.scrape.age.max.seconds", "Age of the oldest backend metrics scrape", pool,
        p -> p.oldestScrapeAgeMillis() / 1000.0);
    monotonic("tollgate.route.retries", "Retries on another backend", pool::retriesAllowed, "outcome", "allowed");
    monotonic("tollgate.route.retries", "Retries on another backend", pool::retriesDenied, "outcome", "denied");
    monotonic("tollgate.route.fallbacks", "Requests served by a fallback model", pool::fallbacks);
    monotonic("tollgate.route.canary.rollbacks", "Canaries rolled back automatically", pool::canaryRollbacks);
    backendInFlight = io.micrometer.core.instrument.MultiGauge.builder("tollgate.backend.in.flight")
        .description("Requests this gateway has in flight per backend").register(registry);
    backendAvailable = io.micrometer.core.instrument.MultiGauge.builder("tollgate.backend.available")
        .description("1 when a backend may be chosen (not ejected, healthy)").register(registry);
    this.pool = pool;
  }

  /** The usage emitter's counters (platform mode). */
  /** The control-plane follower (docs/control-plane.md), when the gateway has one. */
  public void bindConfigSync(io.tollgate.gateway.config.sync.ConfigSync sync) {
    gauge("tollgate.config.sync.version", "Control-plane config version this gateway runs", sync,
        io.tollgate.gateway.config.sync.ConfigSync::appliedVersion);
    gauge("tollgate.config.sync.last.success.timestamp.seconds", "When a fetch from the control plane last succeeded",
        sync, s -> s.lastSuccessEpochMillis() / 1000.0);
    monotonic("tollgate.config.sync.failures", "Fetches from the control plane that failed", sync::fetchFailures,
        "reason", "fetch");
    monotonic("tollgate.config.sync.failures", "Control-plane versions this gateway refused", sync::refusals,
        "reason", "refused");
  }

  public void bindUsage(Supplier<io.tollgate.gateway.usage.UsageMetrics> usage) {
    monotonic("tollgate.usage.events", "Usage events handed to the emitter", () -> usage.get().emitted(), "stage", "emitted");
    monotonic("tollgate.usage.events", "Usage events published to RabbitMQ", () -> usage.get().published(), "stage", "published");
    monotonic("tollgate.usage.events", "Usage events confirmed by RabbitMQ", () -> usage.get().confirmed(), "stage", "confirmed");
    monotonic("tollgate.usage.events", "Usage events written to the disk spool", () -> usage.get().spooled(), "stage", "spooled");
    monotonic("tollgate.usage.events", "Spooled usage events replayed and confirmed", () -> usage.get().replayed(), "stage", "replayed");
    monotonic("tollgate.usage.events", "Usage events lost (must stay 0)", () -> usage.get().dropped(), "stage", "dropped");
    gauge("tollgate.usage.backlog", "Usage events in memory or in the spool, not yet confirmed", usage,
        u -> u.get().backlog());
    monotonic("tollgate.usage.events", "Usage events written to the write-ahead log", () -> usage.get().logged(),
        "stage", "logged");
    monotonic("tollgate.usage.events", "Usage events found in the write-ahead log at start and replayed",
        () -> usage.get().recovered(), "stage", "recovered");
    monotonic("tollgate.usage.wal.syncs", "fsyncs of the usage write-ahead log (one per group of events)",
        () -> usage.get().logSyncs());
    monotonic("tollgate.usage.messages", "AMQP messages of usage events confirmed by RabbitMQ (one per batch)",
        () -> usage.get().messages());
    monotonic("tollgate.usage.wal.unprepared.segments", "Usage write-ahead log segments an event loop had to create"
        + " itself (none prepared by the syncer)", () -> usage.get().logUnprepared());
  }

  /**
   * The duration of each write() of the usage write-ahead log: on an event loop, once per turn that
   * emitted events (docs/adr/0017). A page-cache write, but it can wait for the file system's journal:
   * its max and p99 say what the loops pay. Its recorder goes to {@code RabbitUsageSink#observeLogWrites}.
   */
  public java.util.function.LongConsumer usageWalWrites() {
    Timer timer = Timer.builder("tollgate.usage.wal.write")
        .description("Duration of a write() of the usage write-ahead log (on an event loop, once per turn)")
        .publishPercentiles(0.5, 0.99, 0.999) // a summary: Prometheus drops client quantiles once there are buckets
        .register(registry);
    return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The histogram of usage events per confirmed AMQP message: how well the publisher batches (the
   * broker's work is per message). Its recorder goes to {@code RabbitUsageSink#observeMessageSizes}.
   */
  public java.util.function.IntConsumer usageMessageEvents() {
    DistributionSummary summary = DistributionSummary.builder("tollgate.usage.message.events")
        .description("Usage events per AMQP message confirmed by RabbitMQ")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
        .register(registry);
    return summary::record;
  }

  /** Per-backend rows are re-read at each scrape: the set of backends changes with the config. */
  private void refreshBackends() {
    if (pool == null) {
      return;
    }
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> inFlight = new ArrayList<>();
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> available = new ArrayList<>();
    for (io.tollgate.gateway.route.BackendState state : pool.states()) {
      io.micrometer.core.instrument.Tags tags = io.micrometer.core.instrument.Tags.of("backend", state.spec().id());
      inFlight.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, state.inFlight()));
      available.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, state.available() ? 1 : 0));
    }
    backendInFlight.register(inFlight, true);
    backendAvailable.register(available, true);
  }

  private Counter counter(RequestLabels labels) {
    Counter counter = requests.get(labels);
    if (counter == null) {
      counter = requests.computeIfAbsent(labels, l -> Counter.builder("tollgate.requests")
          .description("Requests by model, endpoint, HTTP status and error kind")
          .tag("model", l.model()).tag("endpoint", l.endpoint()).tag("status", Integer.toString(l.status()))
          .tag("error_kind", l.errorKind()).register(registry));
    }
    return counter;
  }

  private ModelMeters model(String model) {
    ModelMeters meters = models.get(model);
    return meters != null ? meters : models.computeIfAbsent(model, m -> new ModelMeters(registry, m));
  }

  private record RequestLabels(String model, String endpoint, int status, String errorKind) {
  }

  private static final class ModelMeters {
    final Timer ttft;
    final Timer itl;
    final Timer duration;
    final Counter promptTokens;
    final Counter completionTokens;

    ModelMeters(MeterRegistry registry, String model) {
      ttft = Timer.builder("tollgate.time.to.first.token")
          .description("From request arrival to the first token sent to the client")
          .tag("model", model).serviceLevelObjectives(TTFT_BUCKETS).register(registry);
      itl = Timer.builder("tollgate.inter.token.latency")
          .description("Gaps between token-carrying reads from the backend")
          .tag("model", model).serviceLevelObjectives(ITL_BUCKETS).register(registry);
      duration = Timer.builder("tollgate.request.duration")
          .description("From request arrival to the end of the response")
          .tag("model", model).serviceLevelObjectives(E2E_BUCKETS).register(registry);
      promptTokens = Counter.builder("tollgate.tokens").description("Tokens by direction")
          .tag("model", model).tag("direction", "prompt").register(registry);
      completionTokens = Counter.builder("tollgate.tokens").description("Tokens by direction")
          .tag("model", model).tag("direction", "completion").register(registry);
    }
  }

  private static Duration[] durations(double... seconds) {
    Duration[] durations = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      durations[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return durations;
  }
}
