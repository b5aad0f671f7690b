package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A simulated vLLM GPU server: OpenAI-compatible HTTP on a real socket, with continuous batching, a KV
 * cache, prefix caching, vLLM's metrics, client-abort and back-pressure handling, and injectable faults.
 * Everything runs on one event loop of the given Vert.x; every method here may be called from any thread.
 */
public final class VllmSimulator {

  private final Vertx vertx;
  private final SimulatorConfig config;
  private final SimulatorServer server;
  private final String deploymentId;
  private Future<Void> closing;

  private VllmSimulator(Vertx vertx, SimulatorConfig config, SimulatorServer server, String deploymentId) {
    this.vertx = vertx;
    this.config = config;
    this.server = server;
    this.deploymentId = deploymentId;
  }

  /** Starts listening; the future fails if the port cannot be bound. */
  public static Future<VllmSimulator> start(Vertx vertx, SimulatorConfig config) {
    SimulatorServer server = new SimulatorServer(config);
    return vertx.deployVerticle(server).map(id -> new VllmSimulator(vertx, config, server, id));
  }

  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:<port>}, {@code https://} with TLS (a wildcard bind address is reached through loopback). */
  public String baseUrl() {
    String host = loopbackHost(config.host());
    return (config.sslCertFile() != null ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host)
        + ":" + port();
  }

  public SimulatorConfig config() {
    return config;
  }

  /** A snapshot of the engine; safe to call from any thread. */
  /** The {@code traceparent} header of the latest generation request, or null (tracing tests). */
  public String lastTraceparent() {
    return server.lastTraceparent();
  }

  public SimulatorStats stats() {
    return server.stats();
  }

  /** Replaces the injected faults: they apply to new requests and to tokens not yet sent. */
  public void faults(SimulatorFaults faults) {
    server.faults(faults);
  }

  public SimulatorFaults faults() {
    return server.faults();
  }

  /** Stops listening: new connections are refused, streams in flight go on. Completes once refusing. */
  public Future<Void> refuseConnections() {
    return server.onContext(server::refuseConnections);
  }

  /** Listens again on the same port. */
  public Future<Void> acceptConnections() {
    return server.onContext(server::acceptConnections);
  }

  /** Stops the simulator: connections are closed and running requests dropped. Idempotent. */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = vertx.undeploy(deploymentId);
    }
    return closing;
  }

  static String loopbackHost(String host) {
    return switch (host) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "[::]", "0:0:0:0:0:0:0:0" -> "::1";
      default -> host;
    };
  }
}
