package io.tollgate.loadtest.scenario;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows a simulator's {@code /sim/stats} during a phase, on its own thread: counter deltas (completed,
 * aborted, tokens) tell whether aborts reached the backend; gauge maxima (running, waiting, paused streams)
 * tell whether back-pressure did.
 */
final class SimStatsPoller implements AutoCloseable {

  private static final String[] COUNTERS = {"completed", "aborted", "promptTokens", "generationTokens",
      "prefixCacheQueries", "prefixCacheHits", "errorsInjected"};
  private static final String[] GAUGES = {"running", "waiting", "pausedStreams", "kvCacheUsage"};

  private final String simUrl;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sim-stats");
    t.setDaemon(true);
    return t;
  });
  private final JsonObject before;
  private final JsonObject maxima = new JsonObject();
  private volatile String problem;

  private SimStatsPoller(String simUrl, JsonObject before) {
    this.simUrl = simUrl;
    this.before = before;
  }

  static SimStatsPoller start(String simUrl) throws IOException {
    SimStatsPoller poller = new SimStatsPoller(simUrl, HttpProbe.simStats(simUrl));
    poller.thread.scheduleAtFixedRate(poller::poll, 500, 500, TimeUnit.MILLISECONDS);
    return poller;
  }

  private void poll() {
    try {
      observe(HttpProbe.simStats(simUrl));
    } catch (IOException | RuntimeException e) {
      problem = e.getMessage();
    }
  }

  private synchronized void observe(JsonObject stats) {
    for (String g : GAUGES) {
      Object v = stats.getValue(g);
      if (v instanceof Number n) {
        Object old = maxima.getValue(g);
        if (!(old instanceof Number o) || n.doubleValue() > o.doubleValue()) {
          maxima.put(g, v);
        }
      }
    }
  }

  /** Stops polling; returns counter deltas and gauge maxima over the phase. */
  JsonObject finish() throws IOException {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    JsonObject after = HttpProbe.simStats(simUrl);
    observe(after);
    JsonObject out = new JsonObject();
    for (String c : COUNTERS) {
      Object a = after.getValue(c);
      Object b = before.getValue(c);
      if (a instanceof Number na && b instanceof Number nb) {
        out.put(c, na.longValue() - nb.longValue());
      }
    }
    synchronized (this) {
      maxima.forEach(e -> out.put("max_" + e.getKey(), e.getValue()));
    }
    if (problem != null) {
      out.put("pollProblem", problem);
    }
    return out;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
