package io.tollgate.loadtest.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.tollgate.loadtest.result.PhaseResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The load generator: a few event loops, each with its own HTTP/1.1 client and connection pool, and one of
 * them (the driver loop) deciding when each request goes. Runs phases one after the other.
 */
public final class LoadDriver {

  private final Vertx vertx;
  private final DriverConfig config;
  private final ConsoleOut console;
  private final List<ClientLoop> loops;
  private final List<String> deployments;
  private int phases;

  private LoadDriver(Vertx vertx, DriverConfig config, ConsoleOut console, List<ClientLoop> loops,
      List<String> deployments) {
    this.vertx = vertx;
    this.config = config;
    this.console = console;
    this.loops = loops;
    this.deployments = deployments;
  }

  /** Deploys one client verticle per event loop. */
  public static Future<LoadDriver> start(Vertx vertx, DriverConfig config, ConsoleOut console) {
    List<ClientVerticle> verticles = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < config.client().eventLoops(); i++) {
      ClientVerticle v = new ClientVerticle(config.client());
      verticles.add(v);
      deployed.add(vertx.deployVerticle(v));
    }
    return Future.all(deployed).map(all -> {
      List<ClientLoop> loops = new ArrayList<>();
      verticles.forEach(v -> loops.add(v.loop()));
      List<String> ids = new ArrayList<>();
      deployed.forEach(f -> ids.add(f.result()));
      return new LoadDriver(vertx, config, console, loops, ids);
    });
  }

  /** Sends the phase's warm-up requests (if any) and waits for them; nothing is recorded. */
  public Future<Void> warmup(PhasePlan plan) {
    if (plan.warmupRequests() <= 0) {
      return Future.succeededFuture();
    }
    return onDriver(() -> new PhaseExecution(vertx, loops.get(0).context(), loops, config, warmupPlan(plan),
        phases, false, true, 0, console).start()).mapEmpty();
  }

  /** Runs one measured phase on the driver loop (its warm-up is {@link #warmup}'s job). */
  public Future<PhaseResult> measure(PhasePlan plan) {
    int index = phases++;
    return onDriver(() -> new PhaseExecution(vertx, loops.get(0).context(), loops, config, plan, index, true,
        true, 0, console).start());
  }

  /**
   * A quiet measured phase with outputs capped at {@code outputCap} tokens: the check made before a run, which
   * should take a moment whatever the scenario's output length.
   */
  public Future<PhaseResult> probe(PhasePlan plan, int outputCap) {
    return onDriver(() -> new PhaseExecution(vertx, loops.get(0).context(), loops, config, plan, phases, true,
        false, outputCap, console).start());
  }

  private <T> Future<T> onDriver(java.util.function.Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    loops.get(0).context().runOnContext(v -> work.get().onComplete(result));
    return result.future();
  }

  /** Warm-up: its own prompts, everything at once, at most the phase's concurrency. */
  private static PhasePlan warmupPlan(PhasePlan plan) {
    int concurrency = plan.maxConcurrency() > 0 ? Math.min(plan.maxConcurrency(), plan.warmupRequests())
        : plan.warmupRequests();
    return new PhasePlan(plan.name() + " warm-up", Double.POSITIVE_INFINITY, 1, concurrency, plan.warmupRequests(),
        null, 0, plan.behaviour().withAbortAfterChunks(-1), 0, plan.slo(), plan.seed() + 1,
        4_000_000_000_000L + plan.firstSpecIndex());
  }

  public Future<Void> close() {
    List<Future<Void>> undeployed = new ArrayList<>();
    deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
    return Future.join(undeployed).mapEmpty();
  }

  /** Owns one event loop's HTTP client; closing the deployment closes the client and its connections. */
  private static final class ClientVerticle extends VerticleBase {
    private final ClientSettings settings;
    private volatile ClientLoop loop;
    private io.vertx.core.http.HttpClientAgent client;

    ClientVerticle(ClientSettings settings) {
      this.settings = settings;
    }

    @Override
    public Future<?> start() {
      HttpClientOptions options = new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_1_1)
          .setKeepAlive(true)
          .setPipelining(false)
          .setTcpNoDelay(true)
          .setConnectTimeout(settings.connectTimeoutMs())
          .setDecompressionSupported(false)
          .setTrustAll(settings.trustAll())
          .setVerifyHost(!settings.trustAll());
      if (settings.receiveBufferBytes() > 0) {
        options.setReceiveBufferSize(settings.receiveBufferBytes());
      }
      PoolOptions pool = new PoolOptions()
          .setHttp1MaxSize(settings.poolSizePerTarget())
          .setMaxWaitQueueSize(-1);
      client = vertx.createHttpClient(options, pool);
      loop = new ClientLoop(context, client);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      return client.close();
    }

    ClientLoop loop() {
      return loop;
    }
  }
}
