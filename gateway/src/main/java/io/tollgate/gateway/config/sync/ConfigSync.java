package io.tollgate.gateway.config.sync;

import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Keeps a gateway on the control plane's latest config version (docs/adr/0008-config-distribution.md):
 * a Redis announcement ({@code <prefix>:config:changed}, message = version) triggers a fetch at
 * once; a poll catches up on announcements that were missed. Every snapshot goes through
 * {@link ConfigHolder#apply}, the same validate-and-swap as POST /admin/config, so requests in
 * flight finish on the snapshot they started with. When the control plane is unreachable or sends
 * something invalid, the last good snapshot keeps serving.
 */
public final class ConfigSync {

  private static final Logger LOG = Logger.getLogger(ConfigSync.class.getName());
  private static final long RESUBSCRIBE_MS = 1_000;

  private final Vertx vertx;
  private final ConfigSyncSettings settings;
  private final ConfigHolder holder;
  private final HttpClient client;
  private final Redis redis;
  private final String channel;
  private final AtomicBoolean fetching = new AtomicBoolean();
  /** The control plane's version now live here (its numbering, not the holder's), or refused last. */
  private volatile long appliedVersion;
  private volatile long refusedVersion;
  private volatile boolean pendingFetch;
  private volatile boolean unreachable;
  private volatile boolean closed;
  private volatile RedisConnection subscription;
  private long pollTimer = -1;
  /** This instance's report to the control plane (GET /api/v1/gateways), once {@link #reportAs} is called. */
  private volatile String instance;
  private volatile Supplier<JsonArray> backendView;
  private volatile boolean reportFailing;
  /** Health, for metrics and alerts: a gateway that silently stops following is a config outage. */
  private final AtomicLong fetchFailures = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private volatile long lastSuccessEpochMillis;

  private ConfigSync(Vertx vertx, ConfigSyncSettings settings, RedisSettings redisSettings, ConfigHolder holder) {
    this.vertx = vertx;
    this.settings = settings;
    this.holder = holder;
    this.client = vertx.createHttpClient(settings.clientOptions()
        .setDefaultHost(settings.controlPlaneUrl().getHost())
        .setDefaultPort(port(settings))
        .setConnectTimeout((int) settings.timeoutMs()));
    this.redis = redisSettings == null ? null
        : Redis.createClient(vertx, new RedisOptions().setConnectionString(redisSettings.url()));
    this.channel = redisSettings == null ? null : redisSettings.keyPrefix() + ":config:changed";
  }

  /**
   * Starts listening and polling, and fetches the latest version once. Completes when that first
   * fetch is done, successful or not: a gateway starts even if the control plane is away.
   */
  public static Future<ConfigSync> start(Vertx vertx, ConfigSyncSettings settings, RedisSettings redisSettings,
                                         ConfigHolder holder) {
    ConfigSync sync = new ConfigSync(vertx, settings, redisSettings, holder);
    Future<Void> subscribed = sync.redis == null ? Future.succeededFuture() : sync.subscribe().recover(failure -> {
      LOG.warning("cannot subscribe to " + sync.channel + " (" + failure + "); polling every "
          + settings.pollIntervalMs() + " ms meanwhile");
      sync.scheduleResubscribe();
      return Future.succeededFuture();
    });
    sync.pollTimer = vertx.setPeriodic(settings.pollIntervalMs(), id -> sync.fetchLatest().onComplete(done -> sync.report()));
    return subscribed.compose(v -> sync.fetchLatest()).map(sync);
  }

  /**
   * From now on, after each poll, tells the control plane this instance's config version and its view
   * of the backends (docs/adr/0018-gateways-report-their-view.md); once at once. A report that fails
   * is logged once per episode and changes nothing here: it is the platform admin's view, not the
   * gateway's config.
   *
   * @param instance    a name unique in the fleet (host:port; the pod's name in Kubernetes)
   * @param backendView the backends part of GET /admin/routing
   */
  public void reportAs(String instance, Supplier<JsonArray> backendView) {
    this.instance = instance;
    this.backendView = backendView;
    vertx.runOnContext(v -> report());
  }

  Future<Void> report() {
    String name = instance;
    Supplier<JsonArray> view = backendView;
    if (closed || name == null || view == null) {
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject().put("configVersion", appliedVersion).put("backends", view.get());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.PUT)
        .setURI(basePath() + "/api/v1/gateways/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8))
        .putHeader("authorization", "Bearer " + settings.token())
        .putHeader("content-type", "application/json")
        .setTimeout(settings.timeoutMs());
    return client.request(options)
        .compose(request -> request.send(body.toBuffer()).compose(response -> response.body().map(answer -> {
          if (response.statusCode() != 204) {
            throw new IllegalStateException("control plane answered " + response.statusCode() + ": " + answer);
          }
          return (Void) null;
        })))
        .onSuccess(v -> reportFailing = false)
        .recover(failure -> {
          if (!reportFailing) {
            reportFailing = true;
            LOG.warning("cannot report this gateway's view to " + settings.controlPlaneUrl() + " (" + failure
                + "); the platform admin's list shows its last report's age meanwhile");
          }
          return Future.succeededFuture();
        });
  }

  /** The control plane's version this gateway runs (0 before the first). */
  public long appliedVersion() {
    return appliedVersion;
  }

  /** Fetches that failed: control plane unreachable, an error status (e.g. 401, expired token), bad JSON. */
  public long fetchFailures() {
    return fetchFailures.get();
  }

  /** Versions the control plane served that this gateway refused (validation). */
  public long refusals() {
    return refusals.get();
  }

  /** When a fetch last succeeded (the gateway then knows it runs the latest version); 0 before. */
  public long lastSuccessEpochMillis() {
    return lastSuccessEpochMillis;
  }

  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(pollTimer);
    RedisConnection connection = subscription;
    if (connection != null) {
      connection.close();
    }
    if (redis != null) {
      redis.close();
    }
    return client.close();
  }

  /** Fetches and applies the latest version if it is new; one fetch at a time, a request during one queues one more. */
  Future<Void> fetchLatest() {
    if (closed) {
      return Future.succeededFuture();
    }
    if (!fetching.compareAndSet(false, true)) {
      pendingFetch = true;
      return Future.succeededFuture();
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setURI(basePath() + "/api/v1/config/snapshots/latest")
        .putHeader("authorization", "Bearer " + settings.token())
        .setTimeout(settings.timeoutMs());
    return client.request(options)
        .compose(request -> request.send().compose(response -> response.body().map(body -> {
          if (response.statusCode() == 404) {
            return null; // the control plane has no version yet
          }
          if (response.statusCode() != 200) {
            throw new IllegalStateException("control plane answered " + response.statusCode() + ": " + body);
          }
          return new JsonObject(body);
        })))
        .compose(this::applyIfNew)
        .onSuccess(v -> {
          lastSuccessEpochMillis = System.currentTimeMillis();
          if (unreachable) {
            unreachable = false;
            LOG.info("control plane reachable again at " + settings.controlPlaneUrl());
          }
        })
        .recover(failure -> {
          fetchFailures.incrementAndGet();
          if (!unreachable) {
            unreachable = true;
            LOG.warning("cannot fetch the config from " + settings.controlPlaneUrl() + " (" + failure
                + "); keeps serving config version " + holder.version() + " and retries");
          }
          return Future.succeededFuture();
        })
        .eventually(() -> {
          fetching.set(false);
          if (pendingFetch && !closed) {
            pendingFetch = false;
            return fetchLatest();
          }
          return Future.succeededFuture();
        });
  }

  private Future<Void> applyIfNew(JsonObject latest) {
    if (latest == null) {
      return Future.succeededFuture();
    }
    long version = latest.getLong("version");
    if (version <= appliedVersion || version == refusedVersion) {
      return Future.succeededFuture();
    }
    JsonObject snapshot = latest.getJsonObject("snapshot");
    // Schema validation and parsing are CPU work: off the event loop.
    return vertx.executeBlocking(() -> holder.apply(snapshot)).map(result -> {
      if (result.applied()) {
        appliedVersion = version;
        LOG.info(() -> "control plane config version " + version + " live as local version " + result.version());
      } else {
        refusedVersion = version;
        refusals.incrementAndGet();
        LOG.warning("control plane config version " + version + " refused, version " + result.version()
            + " keeps serving: " + result.errors());
      }
      return null;
    });
  }

  private Future<Void> subscribe() {
    return redis.connect().compose(connection -> {
      connection.handler(this::onMessage);
      connection.exceptionHandler(failure -> resubscribeAfterLoss(connection));
      connection.endHandler(v -> resubscribeAfterLoss(connection));
      return connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).map(ok -> {
        subscription = connection;
        return (Void) null;
      });
    });
  }

  private void onMessage(Response message) {
    // Push frames: ["message", channel, version]; subscribe confirmations are ignored.
    if (message.size() == 3 && "message".equals(message.get(0).toString())) {
      fetchLatest();
    }
  }

  private void resubscribeAfterLoss(RedisConnection connection) {
    if (closed || subscription != connection) {
      return;
    }
    subscription = null;
    LOG.warning("lost the subscription to " + channel + "; resubscribing (the poll catches up meanwhile)");
    scheduleResubscribe();
  }

  private void scheduleResubscribe() {
    if (!closed) {
      vertx.setTimer(RESUBSCRIBE_MS, id -> subscribe().onSuccess(v -> fetchLatest())
          .onFailure(failure -> scheduleResubscribe()));
    }
  }

  private String basePath() {
    String path = settings.controlPlaneUrl().getPath();
    return path == null || path.equals("/") ? "" : path.replaceAll("/$", "");
  }

  private static int port(ConfigSyncSettings settings) {
    int port = settings.controlPlaneUrl().getPort();
    if (port > 0) {
      return port;
    }
    return "https".equals(settings.controlPlaneUrl().getScheme()) ? 443 : 80;
  }
}
