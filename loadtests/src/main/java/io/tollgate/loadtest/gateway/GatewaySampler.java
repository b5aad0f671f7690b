package io.tollgate.loadtest.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the gateway process during a run on its own thread (file reads and an HTTP scrape are blocking, and
 * must stay off the load generator's event loops): RSS and CPU from /proc, heap from hsperfdata, event-loop
 * lag (and heap, as a fallback) from a Prometheus endpoint.
 */
public final class GatewaySampler implements AutoCloseable {

  private final Long pid;
  private final String metricsUrl;
  private final long intervalMillis;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gateway-sampler");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<GatewaySample> samples = new ArrayList<>();
  private final Set<String> notes = new LinkedHashSet<>();
  private final Set<String> lagMetrics = new LinkedHashSet<>();
  private Optional<Path> perfData = Optional.empty();
  private long startNanos;
  private int baselineIndex = -1;
  private double lagSumStart = Double.NaN;
  private double lagCountStart = Double.NaN;
  private double lagSumEnd = Double.NaN;
  private double lagCountEnd = Double.NaN;
  private double lagMax = Double.NaN;

  /** @param pid the gateway's process id, or null; @param metricsUrl its Prometheus URL, or null */
  public GatewaySampler(Long pid, String metricsUrl, long intervalMillis) {
    this.pid = pid;
    this.metricsUrl = metricsUrl == null || metricsUrl.isBlank() ? null : metricsUrl;
    this.intervalMillis = Math.max(100, intervalMillis);
  }

  public boolean enabled() {
    return pid != null || metricsUrl != null;
  }

  /** Takes the baseline reading (blocking, on the caller's thread: call it before the load starts). */
  public void start() {
    if (!enabled()) {
      return;
    }
    startNanos = System.nanoTime();
    if (pid != null) {
      perfData = HsPerfData.find(pid);
      if (perfData.isEmpty()) {
        notes.add("no hsperfdata file for pid " + pid + " (not a HotSpot JVM, -XX:-UsePerfData, or another user's"
            + " /tmp): heap from the metrics endpoint only");
      }
    } else {
      notes.add("no --gateway-pid: RSS and CPU time n/a");
    }
    if (metricsUrl == null) {
      notes.add("no --gateway-metrics-url: event-loop lag n/a");
    }
    sample();
    thread.scheduleAtFixedRate(this::sample, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Marks the start of the measured load (after warm-up): growth and CPU count from here, so that JIT
   * compilation and heap sizing during warm-up are not charged to the load. Blocking: call it off event loops.
   */
  public void markBaseline() {
    if (!enabled() || baselineIndex >= 0) {
      return;
    }
    thread.submit(() -> {
      sample();
      synchronized (samples) {
        baselineIndex = samples.size() - 1;
      }
    });
    try {
      thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      notes.add("could not take the baseline sample: " + e);
    }
  }

  private void sample() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rss = Double.NaN;
    double cpu = Double.NaN;
    double heap = Double.NaN;
    double oldGen = Double.NaN;
    double lag = Double.NaN;
    if (pid != null) {
      try {
        rss = ProcStats.rssBytes(pid) / 1048576.0;
        cpu = ProcStats.cpuSeconds(pid);
      } catch (IOException | RuntimeException e) {
        notes.add("cannot read /proc/" + pid + ": " + e.getMessage());
      }
      if (perfData.isPresent()) {
        try {
          HsPerfData perf = HsPerfData.read(perfData.get());
          heap = perf.heapUsedBytes() / 1048576.0;
          oldGen = perf.oldGenUsedBytes() < 0 ? Double.NaN : perf.oldGenUsedBytes() / 1048576.0;
        } catch (IOException | RuntimeException e) {
          notes.add("cannot read " + perfData.get() + ": " + e.getMessage());
        }
      }
    }
    if (metricsUrl != null) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(metricsUrl))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          List<PrometheusText.Sample> parsed = PrometheusText.parse(response.body());
          EventLoopLag reading = EventLoopLag.from(parsed);
          if (reading.found()) {
            lagMetrics.addAll(reading.metricNames());
            lag = reading.currentMs();
            if (!Double.isNaN(lag)) {
              lagMax = Double.isNaN(lagMax) ? lag : Math.max(lagMax, lag);
            }
            if (reading.count() > 0) {
              if (Double.isNaN(lagCountStart)) {
                lagSumStart = reading.sumMs();
                lagCountStart = reading.count();
              }
              lagSumEnd = reading.sumMs();
              lagCountEnd = reading.count();
            }
          }
          if (Double.isNaN(heap)) {
            heap = heapFromMetrics(parsed);
          }
        } else {
          notes.add("metrics endpoint answered HTTP " + response.statusCode());
        }
      } catch (IOException | RuntimeException e) {
        notes.add("cannot scrape " + metricsUrl + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (samples) {
      samples.add(new GatewaySample(seconds, rss, heap, oldGen, cpu, lag));
    }
  }

  private static double heapFromMetrics(List<PrometheusText.Sample> parsed) {
    double sum = 0;
    boolean found = false;
    for (PrometheusText.Sample s : parsed) {
      if (s.name().equals("jvm_memory_used_bytes") && s.hasLabel("area", "heap")) {
        sum += s.value();
        found = true;
      }
    }
    return found ? sum / 1048576.0 : Double.NaN;
  }

  /** Stops sampling after one last reading, and sums up. */
  public GatewayFigures finish() {
    if (!enabled()) {
      return null;
    }
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample();
    List<GatewaySample> all;
    int baseline;
    synchronized (samples) {
      all = List.copyOf(samples);
      baseline = Math.max(0, baselineIndex);
    }
    GatewaySample first = all.get(baseline);
    GatewaySample last = all.get(all.size() - 1);
    List<GatewaySample> measured = all.subList(baseline, all.size());
    if (baseline > 0 && first.seconds() >= 1 && !Double.isNaN(all.get(0).rssMb())) {
      notes.add(String.format(java.util.Locale.ROOT, "growth counts from the end of warm-up (%.0f s in, RSS %.1f MB);"
          + " RSS before warm-up was %.1f MB", first.seconds(), first.rssMb(), all.get(0).rssMb()));
    }
    double cpu = last.cpuSeconds() - first.cpuSeconds();
    double wall = last.seconds() - first.seconds();
    if (lagMetrics.isEmpty() && metricsUrl != null) {
      notes.add("the metrics endpoint has no event-loop lag metric (a name with event_loop and lag/delay): n/a");
    }
    double lagMean = Double.NaN;
    if (!Double.isNaN(lagCountEnd) && lagCountEnd > lagCountStart) {
      lagMean = (lagSumEnd - lagSumStart) / (lagCountEnd - lagCountStart);
    } else {
      lagMean = mean(all, GatewaySample::eventLoopLagMs);
    }
    return new GatewayFigures(pid, metricsUrl, Span.of(measured, GatewaySample::rssMb),
        Span.of(measured, GatewaySample::heapUsedMb), Span.of(measured, GatewaySample::oldGenMb), cpu,
        wall > 0 ? cpu / wall : Double.NaN, lagMax, lagMean, new ArrayList<>(lagMetrics), new ArrayList<>(notes), all);
  }

  private static double mean(List<GatewaySample> samples, java.util.function.ToDoubleFunction<GatewaySample> f) {
    double sum = 0;
    int n = 0;
    for (GatewaySample s : samples) {
      double v = f.applyAsDouble(s);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
