package io.tollgate.gateway.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a real service, which a test can turn into an outage: {@link #stop()}
 * closes every connection and refuses new ones (the service "died"); {@link #blackhole()} accepts
 * and keeps connections but never answers (the service "hangs"); {@link #restore()} forwards again.
 */
public final class ChaosProxy {

  private enum Mode { FORWARD, BLACKHOLE, STOPPED }

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.FORWARD;
  private volatile NetServer server;
  private volatile int port;

  private ChaosProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public static Future<ChaosProxy> start(Vertx vertx, String targetHost, int targetPort) {
    ChaosProxy proxy = new ChaosProxy(vertx, targetHost, targetPort);
    return proxy.listen(0).map(proxy);
  }

  public int port() {
    return port;
  }

  private Future<Void> listen(int onPort) {
    NetServer netServer = vertx.createNetServer().connectHandler(this::accept);
    return netServer.listen(onPort, "127.0.0.1").map(bound -> {
      server = bound;
      port = bound.actualPort();
      return null;
    });
  }

  private void accept(NetSocket inbound) {
    sockets.add(inbound);
    inbound.closeHandler(v -> sockets.remove(inbound));
    if (mode == Mode.BLACKHOLE) {
      inbound.handler(buffer -> { });
      return;
    }
    inbound.pause();
    client.connect(targetPort, targetHost).onComplete(result -> {
      if (result.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = result.result();
      sockets.add(outbound);
      outbound.closeHandler(v -> {
        sockets.remove(outbound);
        inbound.close();
      });
      inbound.closeHandler(v -> {
        sockets.remove(inbound);
        outbound.close();
      });
      inbound.handler(buffer -> {
        if (mode == Mode.FORWARD) {
          outbound.write(buffer);
        }
      });
      outbound.handler(buffer -> {
        if (mode == Mode.FORWARD) {
          inbound.write(buffer);
        }
      });
      inbound.resume();
    });
  }

  /** The service hangs: connections stay open, nothing is answered. */
  public void blackhole() {
    mode = Mode.BLACKHOLE;
  }

  /** The service dies: connections close, new ones are refused. */
  public Future<Void> stop() {
    mode = Mode.STOPPED;
    sockets.forEach(NetSocket::close);
    NetServer current = server;
    server = null;
    return current == null ? Future.succeededFuture() : current.close();
  }

  /** The service is back on the same port (existing black-holed connections are dropped). */
  public Future<Void> restore() {
    Mode before = mode;
    mode = Mode.FORWARD;
    if (before == Mode.BLACKHOLE) {
      sockets.forEach(NetSocket::close);
    }
    return server != null ? Future.succeededFuture() : listen(port);
  }

  public Future<Void> close() {
    return stop().eventually(client::close);
  }
}
