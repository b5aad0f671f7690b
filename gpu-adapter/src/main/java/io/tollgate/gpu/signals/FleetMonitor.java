package io.tollgate.gpu.signals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Watches a set of backends off the request path: scrapes each one's {@code /metrics} and checks
 * its {@code /health}, each on its own Vert.x timer with a jittered interval, and publishes what it
 * learns to the backend's {@link LoadSignals}. One per gateway process (not per event loop): it is
 * a verticle with its own context and HTTP client.
 *
 * <p>Never a tight loop: the next scrape of a backend is scheduled only when the previous one
 * has ended (at most one in flight per backend), at least {@link SignalSettings#MIN_SCRAPE_INTERVAL_MILLIS}
 * later. Targets and settings can be changed at any time from any thread.
 */
public final class FleetMonitor extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(FleetMonitor.class.getName());

  private volatile SignalSettings settings;
  private volatile List<SignalTarget> wanted = List.of();
  private final Map<LoadSignals, Watch> watches = new IdentityHashMap<>(); // context-confined
  private final AtomicLong scrapes = new AtomicLong();
  private final AtomicLong healthChecks = new AtomicLong();
  private HttpClient client;
  private volatile Context home;

  /** Its own connections' options (TLS trust for https:// backends); the pool and keep-alive are set here. */
  private final HttpClientOptions clientOptions;

  public FleetMonitor(SignalSettings settings) {
    this(settings, new HttpClientOptions());
  }

  public FleetMonitor(SignalSettings settings, HttpClientOptions clientOptions) {
    this.settings = settings;
    this.clientOptions = new HttpClientOptions(clientOptions);
  }

  @Override
  public Future<?> start() {
    home = context;
    // Two connections per backend at most (a scrape and a health check), kept alive between scrapes.
    client = vertx.createHttpClient(new HttpClientOptions(clientOptions).setKeepAlive(true).setTcpNoDelay(true)
        .setDecompressionSupported(true), new PoolOptions().setHttp1MaxSize(2));
    reconcile();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    watches.values().forEach(Watch::stop);
    watches.clear();
    return client.close();
  }

  /** Watches exactly these backends from now on (by their {@link LoadSignals}' identity). */
  public void watch(Collection<SignalTarget> targets, SignalSettings newSettings) {
    wanted = List.copyOf(targets);
    settings = newSettings;
    Context context = home;
    if (context != null) {
      context.runOnContext(v -> reconcile());
    }
  }

  public SignalSettings settings() {
    return settings;
  }

  /** Scrapes completed (successful or not), all backends together. */
  public long scrapes() {
    return scrapes.get();
  }

  public long healthChecks() {
    return healthChecks.get();
  }

  private void reconcile() {
    Map<LoadSignals, SignalTarget> next = new IdentityHashMap<>();
    for (SignalTarget target : wanted) {
      next.put(target.signals(), target);
    }
    List<LoadSignals> gone = new ArrayList<>();
    for (LoadSignals signals : watches.keySet()) {
      if (!next.containsKey(signals)) {
        gone.add(signals);
      }
    }
    gone.forEach(signals -> watches.remove(signals).stop());
    next.forEach((signals, target) -> watches.computeIfAbsent(signals, s -> new Watch(target)).ensureRunning());
  }

  private long jittered(long interval) {
    double spread = settings.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(SignalSettings.MIN_SCRAPE_INTERVAL_MILLIS / 2, Math.round(interval * (1 + spread)));
  }

  /** The two timer chains of one backend. Confined to the monitor's context. */
  private final class Watch {
    private final SignalTarget target;
    private boolean stopped;
    private long scrapeTimer = -1;
    private long healthTimer = -1;

    Watch(SignalTarget target) {
      this.target = target;
    }

    /** Starts a chain that is idle (new backend, or re-enabled by a settings change). */
    void ensureRunning() {
      if (scrapeTimer < 0 && settings.scrapeIntervalMillis() > 0) {
        // The first scrape comes soon but spread out, so a fleet's scrapes do not start together.
        scrapeTimer = vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(
            Math.max(1, settings.scrapeIntervalMillis() / 4)), id -> scrape());
      }
      if (healthTimer < 0 && settings.healthIntervalMillis() > 0) {
        healthTimer = vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(
            Math.max(1, settings.healthIntervalMillis() / 4)), id -> check());
      }
    }

    void stop() {
      stopped = true;
      if (scrapeTimer >= 0) {
        vertx.cancelTimer(scrapeTimer);
      }
      if (healthTimer >= 0) {
        vertx.cancelTimer(healthTimer);
      }
    }

    private void scrape() {
      SignalSettings now = settings;
      MetricsScrape.run(vertx, client, target, now.scrapeTimeoutMillis(), now.maxBodyBytes())
          .onComplete(result -> {
            scrapes.incrementAndGet();
            if (result.succeeded()) {
              target.signals().scraped(result.result(), System.nanoTime());
            } else {
              String why = String.valueOf(result.cause().getMessage());
              if (target.signals().lastScrapeError() == null) {
                LOG.fine(() -> "scrape of " + target.id() + " failed: " + why);
              }
              target.signals().scrapeFailed(why);
            }
            long interval = settings.scrapeIntervalMillis();
            scrapeTimer = stopped || interval <= 0 ? -1 : vertx.setTimer(jittered(interval), id -> scrape());
          });
    }

    private void check() {
      SignalSettings now = settings;
      HealthCheck.run(client, target, now.healthTimeoutMillis()).onComplete(result -> {
        healthChecks.incrementAndGet();
        boolean wasHealthy = target.signals().healthy();
        if (Boolean.TRUE.equals(result.result())) {
          target.signals().healthCheckPassed();
        } else {
          target.signals().healthCheckFailed(settings.unhealthyThreshold());
        }
        if (wasHealthy != target.signals().healthy()) {
          LOG.info(() -> "backend " + target.id() + " is " + (wasHealthy ? "unhealthy" : "healthy again")
              + " (GET /health)");
        }
        long interval = settings.healthIntervalMillis();
        healthTimer = stopped || interval <= 0 ? -1 : vertx.setTimer(jittered(interval), id -> check());
      });
    }
  }
}
