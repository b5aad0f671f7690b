package io.tollgate.gpu.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The engine's counters and histograms under vLLM v1's metric names. Written only on the simulator's event
 * loop; the counters are volatile so that {@link VllmSimulator#stats()} may read them from any thread.
 */
final class SimulatorMetrics {

  private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
      0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
  private static final double[] ITL_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
      1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
  private static final double[] REQUEST_LATENCY_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0,
      20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

  // Single writer (the event loop): plain increments of volatile fields are safe here.
  volatile long finishedStop;
  volatile long finishedLength;
  volatile long aborted;
  volatile long promptTokens;
  volatile long generationTokens;
  volatile long prefixCacheQueries;
  volatile long prefixCacheHits;
  volatile long preemptions;
  volatile long errorsInjected;

  /** Per API family ({@link Endpoint#ordinal()}): requests started, and requests their client abandoned. */
  private final AtomicLongArray requestsByEndpoint = new AtomicLongArray(Endpoint.values().length);
  private final AtomicLongArray abortsByEndpoint = new AtomicLongArray(Endpoint.values().length);
  volatile long rejectedQueuedReqs;
  volatile long rejectedQueuedTokens;

  private final String labels;
  private final Histogram timeToFirstToken = new Histogram("vllm:time_to_first_token_seconds",
      "Histogram of time to first token in seconds.", TTFT_BUCKETS);
  private final Histogram interTokenLatency = new Histogram("vllm:inter_token_latency_seconds",
      "Histogram of inter-token latency in seconds.", ITL_BUCKETS);
  private final Histogram e2eLatency = new Histogram("vllm:e2e_request_latency_seconds",
      "Histogram of e2e request latency in seconds.", REQUEST_LATENCY_BUCKETS);
  private final Histogram queueTime = new Histogram("vllm:request_queue_time_seconds",
      "Histogram of time spent in WAITING phase for request.", REQUEST_LATENCY_BUCKETS);
  private final Histogram requestPromptTokens;
  private final Histogram requestGenerationTokens;

  SimulatorMetrics(SimulatorConfig config) {
    this.labels = "model_name=\"" + PrometheusText.labelValue(config.primaryModel()) + "\",engine=\"0\"";
    double[] tokenBuckets = Histogram.oneTwoFive(config.maxModelLen());
    this.requestPromptTokens = new Histogram("vllm:request_prompt_tokens",
        "Number of prefill tokens processed.", tokenBuckets);
    this.requestGenerationTokens = new Histogram("vllm:request_generation_tokens",
        "Number of generation tokens processed.", tokenBuckets);
  }

  void requestStarted(Endpoint endpoint) {
    requestsByEndpoint.incrementAndGet(endpoint.ordinal());
  }

  void requestAborted(Endpoint endpoint) {
    abortsByEndpoint.incrementAndGet(endpoint.ordinal());
  }

  /** Requests started and aborted per family label, for {@link SimulatorStats}. */
  Map<String, SimulatorStats.EndpointCounts> endpointCounts() {
    Map<String, SimulatorStats.EndpointCounts> out = new LinkedHashMap<>();
    for (Endpoint e : Endpoint.values()) {
      out.put(e.label(), new SimulatorStats.EndpointCounts(requestsByEndpoint.get(e.ordinal()),
          abortsByEndpoint.get(e.ordinal())));
    }
    return out;
  }

  long completed() {
    return finishedStop + finishedLength;
  }

  void queued(long nanos) {
    queueTime.observe(nanos / 1e9);
  }

  void prefixLookup(long queriedTokens, long cachedTokens) {
    prefixCacheQueries += queriedTokens;
    prefixCacheHits += cachedTokens;
  }

  void firstToken(Sequence sequence, long nowNanos) {
    timeToFirstToken.observe((nowNanos - sequence.arrivalNanos) / 1e9);
    promptTokens += sequence.promptTokens;
    generationTokens++;
  }

  void nextToken(long gapNanos) {
    interTokenLatency.observe(gapNanos / 1e9);
    generationTokens++;
  }

  void finished(Sequence sequence, String reason, long nowNanos) {
    switch (reason) {
      case "stop" -> finishedStop++;
      case "length" -> finishedLength++;
      default -> aborted++;
    }
    e2eLatency.observe((nowNanos - sequence.arrivalNanos) / 1e9);
    requestPromptTokens.observe(sequence.promptTokens);
    requestGenerationTokens.observe(sequence.generated);
  }

  /** The {@code /metrics} page, in Prometheus text format. */
  String render(int running, int waiting, double kvCacheUsage) {
    StringBuilder out = new StringBuilder(8192);
    PrometheusText.gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.",
        labels, running);
    PrometheusText.gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.",
        labels, waiting);
    // Newer vLLM splits waiting by reason; everything waiting here waits for capacity (nothing is deferred).
    PrometheusText.header(out, "vllm:num_requests_waiting_by_reason", "Number of requests waiting, by reason.",
        "gauge");
    PrometheusText.sample(out, "vllm:num_requests_waiting_by_reason", labels + ",reason=\"capacity\"", waiting);
    PrometheusText.sample(out, "vllm:num_requests_waiting_by_reason", labels + ",reason=\"deferred\"", 0);
    PrometheusText.gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.",
        labels, kvCacheUsage);
    PrometheusText.counter(out, "vllm:prefix_cache_queries_total",
        "Prefix cache queries, in terms of number of queried tokens.", labels, prefixCacheQueries);
    PrometheusText.counter(out, "vllm:prefix_cache_hits_total",
        "Prefix cache hits, in terms of number of cached tokens.", labels, prefixCacheHits);
    PrometheusText.counter(out, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.",
        labels, preemptions);
    PrometheusText.counter(out, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels,
        promptTokens);
    PrometheusText.counter(out, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels,
        generationTokens);
    PrometheusText.header(out, "vllm:request_success_total", "Count of successfully processed requests.",
        "counter");
    PrometheusText.sample(out, "vllm:request_success_total", labels + ",finished_reason=\"stop\"", finishedStop);
    PrometheusText.sample(out, "vllm:request_success_total", labels + ",finished_reason=\"length\"",
        finishedLength);
    PrometheusText.sample(out, "vllm:request_success_total", labels + ",finished_reason=\"abort\"", aborted);
    PrometheusText.header(out, "vllm:admission_rejections_total",
        "Requests refused with 503 because the waiting queue was at its cap.", "counter");
    PrometheusText.sample(out, "vllm:admission_rejections_total", labels + ",reason=\"max_num_queued_reqs\"",
        rejectedQueuedReqs);
    PrometheusText.sample(out, "vllm:admission_rejections_total", labels + ",reason=\"max_num_queued_tokens\"",
        rejectedQueuedTokens);
    // The simulator's own counters (not vLLM's): requests and client aborts per API family.
    PrometheusText.header(out, "tollgate_sim_requests_total", "Requests started, per API family.", "counter");
    for (Endpoint e : Endpoint.values()) {
      PrometheusText.sample(out, "tollgate_sim_requests_total", labels + ",endpoint=\"" + e.label() + "\"",
          requestsByEndpoint.get(e.ordinal()));
    }
    PrometheusText.header(out, "tollgate_sim_requests_aborted_total",
        "Requests whose client went away (or that were cancelled) before they finished, per API family.",
        "counter");
    for (Endpoint e : Endpoint.values()) {
      PrometheusText.sample(out, "tollgate_sim_requests_aborted_total", labels + ",endpoint=\"" + e.label()
          + "\"", abortsByEndpoint.get(e.ordinal()));
    }
    timeToFirstToken.render(out, labels);
    interTokenLatency.render(out, labels);
    e2eLatency.render(out, labels);
    queueTime.render(out, labels);
    requestPromptTokens.render(out, labels);
    requestGenerationTokens.render(out, labels);
    return out.toString();
  }
}
