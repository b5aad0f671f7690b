package io.tollgate.gateway;

import io.tollgate.frontdoor.FrontDoor;
import io.tollgate.frontdoor.ServerTls;
import io.tollgate.gateway.admin.AdminServer;
import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.auth.RedisKeyStore;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.route.RedisResponseDirectory;
import io.tollgate.gateway.route.StoredResponses;
import io.tollgate.gateway.http.ApiError;
import io.tollgate.gateway.http.DataPlaneVerticle;
import io.tollgate.gateway.limit.LeasedLimiter;
import io.tollgate.gateway.limit.Limiter;
import io.tollgate.gateway.limit.LocalLimiter;
import io.tollgate.gateway.limit.RedisLimiter;
import io.tollgate.gateway.metrics.GatewayMetrics;
import io.tollgate.gateway.pipeline.GatewayServices;
import io.tollgate.gateway.pipeline.Lifecycle;
import io.tollgate.gateway.route.BackendPool;
import io.tollgate.gateway.route.RoutingEndpoint;
import io.tollgate.gateway.trace.RequestTracer;
import io.tollgate.gateway.usage.UsageSink;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A running gateway: data-plane verticles (one per event loop), the admin server, and the shared
 * services they use. Started and stopped as a whole; tests start several in one JVM.
 */
public final class Gateway {

  private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

  private final Vertx vertx;
  private final GatewayServices services;
  private final ConfigHolder config;
  private final List<DataPlaneVerticle> verticles;
  private final List<String> deployments;
  private final AdminServer admin;
  private final int port;
  private final Supplier<Future<Void>> closePlatform;

  private Gateway(Vertx vertx, GatewayServices services, ConfigHolder config, List<DataPlaneVerticle> verticles,
                  List<String> deployments, AdminServer admin, int port, Supplier<Future<Void>> closePlatform) {
    this.vertx = vertx;
    this.services = services;
    this.config = config;
    this.verticles = verticles;
    this.deployments = deployments;
    this.admin = admin;
    this.port = port;
    this.closePlatform = closePlatform;
  }

  /** Starts a standalone gateway: keys and limits from the config, limits in-process. */
  public static Future<Gateway> start(Vertx vertx, GatewaySettings settings, ConfigHolder config, UsageSink usage) {
    return start(vertx, settings, PlatformSettings.STANDALONE, config, usage);
  }

  /** Starts a gateway; with Redis settings, limits, budgets and keys are shared through Redis. */
  public static Future<Gateway> start(Vertx vertx, GatewaySettings settings, PlatformSettings platform,
                                      ConfigHolder config, UsageSink usage) {
    return start(vertx, settings, platform, config, usage, RequestTracer.disabled());
  }

  /** As above, tracing each request with {@code tracer}. */
  public static Future<Gateway> start(Vertx vertx, GatewaySettings settings, PlatformSettings platform,
                                      ConfigHolder config, UsageSink usage, RequestTracer tracer) {
    KeyHasher hasher = new KeyHasher(settings.keyPepper());
    GatewayMetrics metrics = new GatewayMetrics();
    if (platform.redis() == null) {
      return start(vertx, settings, config, usage, new LocalLimiter(), new Authenticator(hasher), metrics, tracer,
          new StoredResponses(), () -> Future.succeededFuture());
    }
    RedisSettings redisSettings = platform.redis();
    Redis redis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(redisSettings.url())
        .setMaxPoolSize(32)
        .setMaxPoolWaiting(100_000)
        .setMaxWaitingHandlers(100_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) Math.max(1_000, redisSettings.timeoutMs()))
            .setTcpNoDelay(true)));
    RedisKeyStore keys = new RedisKeyStore(vertx, redis, redisSettings, System::currentTimeMillis);
    RedisLimiter limiter = new RedisLimiter(vertx, redis, redisSettings);
    LeasedLimiter leased = redisSettings.leaseWindowMs() > 0 ? new LeasedLimiter(vertx, redis, redisSettings, limiter)
        : null;
    metrics.monotonic("tollgate.keys.served.stale", "Key lookups answered from the key's last record while Redis"
        + " could not answer (bounded by redis.keyMaxStaleMs)", keys::servedStale);
    metrics.monotonic("tollgate.keys.lookup.retries", "Key lookups tried a second time with a longer timeout (no"
        + " record to fall back on after the first failed)", keys::retriedLookups);
    metrics.monotonic("tollgate.keys.unseeded.misses", "Lookups of a known key Redis lacked while the control"
        + " plane's seed marker was absent (Redis emptied, not yet re-seeded)", keys::unseededMisses);
    metrics.gauge("tollgate.limiter.degraded", "1 while Redis is unreachable and the fail policy decides",
        limiter, l -> l.degraded() ? 1 : 0, "policy", redisSettings.failPolicy().name().toLowerCase(java.util.Locale.ROOT));
    metrics.monotonic("tollgate.limiter.redis.failures", "Redis calls of admission that failed or timed out",
        limiter::redisFailures);
    metrics.monotonic("tollgate.limiter.settle.failures", "Settle calls Redis did not take (kept and retried)",
        limiter::settleFailures);
    metrics.gauge("tollgate.limiter.settles.pending", "Failed settlements waiting to be retried", limiter,
        RedisLimiter::settlesPending);
    metrics.monotonic("tollgate.limiter.settles.landed", "Kept settlements that landed on a retry",
        limiter::settlesLandedAfterRetry);
    metrics.monotonic("tollgate.limiter.settles.abandoned",
        "Settlements given up (pending store full, or reservation expired): their slots free when their leases end",
        limiter::settlesAbandoned);
    if (leased != null) {
      metrics.monotonic("tollgate.limiter.lease.calls", "Lease calls to Redis: credit taken for a key's next"
          + " requests (ADR 15)", leased::leaseCalls);
      metrics.monotonic("tollgate.limiter.lease.releases", "Release calls to Redis: idle or surplus credit given"
          + " back, slot leases renewed", leased::releaseCalls);
    }
    StoredResponses storedResponses = new StoredResponses(
        new RedisResponseDirectory(redis, redisSettings.keyPrefix(), redisSettings.timeoutMs()));
    Limiter admission = leased != null ? leased : limiter;
    return Future.join(keys.start(), limiter.warmUp(16), leased != null ? leased.start() : Future.succeededFuture())
        .compose(v -> start(vertx, settings, config, usage, admission, new Authenticator(hasher, keys), metrics,
            tracer, storedResponses,
            () -> (leased != null ? leased.close() : Future.<Void>succeededFuture())
                .eventually(keys::close).eventually(redis::close)));
  }

  private static Future<Gateway> start(Vertx vertx, GatewaySettings settings, ConfigHolder config, UsageSink usage,
                                       Limiter limiter, Authenticator authenticator, GatewayMetrics metrics,
                                       RequestTracer tracer, StoredResponses storedResponses,
                                       Supplier<Future<Void>> closePlatform) {
    Lifecycle lifecycle = new Lifecycle();
    BackendPool backends = new BackendPool(storedResponses);
    config.onChange(backends::retainOnly);
    GatewayServices services = new GatewayServices(settings, config::current, authenticator, limiter, backends,
        usage, lifecycle, metrics, tracer);
    metrics.gauge("tollgate.open.requests", "Requests being proxied now (streams included)", lifecycle,
        Lifecycle::inFlight);
    metrics.bindRouting(backends);
    if (usage instanceof io.tollgate.gateway.usage.RabbitUsageSink rabbit) {
      metrics.bindUsage(rabbit::metrics);
      rabbit.observeMessageSizes(metrics.usageMessageEvents());
      rabbit.observeLogWrites(metrics.usageWalWrites());
    }
    metrics.gauge("tollgate.config.version", "Version of the live config snapshot", config, ConfigHolder::version);

    // One front door for every data-plane verticle: its connection count is the port's.
    FrontDoor frontDoor = new FrontDoor(settings.frontDoor(), ApiError::frontDoorRefusal, metrics.registry(),
        ServerTls.of(vertx, settings.tls().dataPlane(), "gateway data plane"), settings.http2());
    int instances = settings.eventLoops() > 0 ? settings.eventLoops() : Runtime.getRuntime().availableProcessors();
    List<DataPlaneVerticle> verticles = new CopyOnWriteArrayList<>();
    List<String> deployments = new ArrayList<>();
    // All instances listen on the same host:port and Vert.x shares one listening socket among
    // them. It does not share port 0 (each instance would get its own), so a free port is chosen
    // first.
    int listenPort = settings.port() != 0 ? settings.port() : freePort(settings.host());
    return vertx.deployVerticle(() -> {
          DataPlaneVerticle verticle = new DataPlaneVerticle(services, frontDoor, listenPort);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(instances))
        .compose(id -> {
          deployments.add(id);
          int port = verticles.get(0).actualPort();
          for (DataPlaneVerticle verticle : verticles) {
            if (verticle.actualPort() != port) {
              return Future.failedFuture("data-plane instances bound different ports: " + port
                  + " and " + verticle.actualPort());
            }
          }
          return Future.succeededFuture(port);
        })
        // Scrapes /metrics and checks /health of every backend: one monitor per process.
        .compose(port -> backends.startMonitoring(vertx, config.current(),
            settings.tls().backendClient(new HttpClientOptions())).map(id -> {
          deployments.add(id);
          return port;
        }))
        .compose(port -> AdminServer.start(vertx, settings, config)
            .map(admin -> {
              RoutingEndpoint.install(admin.router(), backends, config);
              admin.runtimeStatus(() -> backends.status(config.current()));
              admin.router().get("/metrics").handler(ctx -> ctx.response()
                  .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                  .end(metrics.scrape()));
              lifecycle.markReady();
              LOG.info(() -> "gateway listening on " + (frontDoor.tls() ? "https://" : "http://") + settings.host()
                  + ":" + port + " (" + instances
                  + " event loops, " + NetworkTransport.nameOf(vertx)
                  + " transport, " + NettyBuffers.inUse() + " buffers), admin on " + (admin.tls() ? "https://" : "http://") + settings.adminHost() + ":" + admin.port()
                  + ", config version " + config.current().version());
              return new Gateway(vertx, services, config, verticles, deployments, admin, port, closePlatform);
            }));
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }

  public int port() {
    return port;
  }

  public int adminPort() {
    return admin.port();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public GatewayServices services() {
    return services;
  }

  public ConfigHolder config() {
    return config;
  }

  /**
   * Graceful stop: readiness goes false at once while new requests are still accepted and served
   * for {@code drainDelayMillis} (load balancers take that long to stop sending); then the
   * listeners close, new requests on open connections get 503, and streams in flight get up to
   * {@code graceMillis} to finish before their connections are closed.
   */
  public Future<Void> shutdown(long drainDelayMillis, long graceMillis) {
    services.lifecycle().startDraining();
    if (drainDelayMillis <= 0) {
      return closeListeners(graceMillis);
    }
    Promise<Void> delayed = Promise.promise();
    vertx.setTimer(drainDelayMillis, id -> delayed.complete());
    return delayed.future().compose(v -> closeListeners(graceMillis));
  }

  /** Graceful stop without a drain delay (tests, tools). */
  public Future<Void> shutdown(long graceMillis) {
    return shutdown(0, graceMillis);
  }

  private Future<Void> closeListeners(long graceMillis) {
    services.lifecycle().refuseNewRequests();
    List<Future<Void>> closing = new ArrayList<>();
    for (DataPlaneVerticle verticle : verticles) {
      HttpServer server = verticle.server();
      if (server != null) {
        closing.add(server.shutdown(graceMillis, TimeUnit.MILLISECONDS));
      }
    }
    return Future.join(closing)
        .eventually(() -> admin.close())
        .eventually(() -> {
          List<Future<Void>> undeploys = new ArrayList<>();
          deployments.forEach(id -> undeploys.add(vertx.undeploy(id)));
          return Future.join(undeploys);
        })
        .eventually(() -> services.usage().flush())
        .eventually(closePlatform)
        .eventually(() -> vertx.executeBlocking(() -> {
          services.tracer().shutdown(); // flushes spans; blocking, so on a worker
          return null;
        }))
        .mapEmpty();
  }
}
