package io.tollgate.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real service (Redis, RabbitMQ, PostgreSQL), so a test can take the
 * service away from its client without stopping it for everyone else:
 * <ul>
 *   <li>{@link #cut()}: every relayed connection closes and new ones are closed at once (the
 *       service died; its port still accepts);</li>
 *   <li>{@link #stopListening()}: the same, and the port refuses connections (a closed port);</li>
 *   <li>{@link #blackhole(boolean)}: connections stay open but no byte passes (a partition, a hung
 *       service: requests vanish, answers never come);</li>
 *   <li>{@link #delay(long)}: every byte passes, this much later, in order (a slow link);</li>
 *   <li>{@link #restore()}: relays again, on the same port.</li>
 * </ul>
 */
public final class TcpRelay {

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final List<NetSocket[]> pairs = new CopyOnWriteArrayList<>();
  private volatile NetServer server;
  private volatile int port;
  private volatile boolean cut;
  private volatile boolean blackhole;
  private volatile long delayMillis;

  private TcpRelay(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public static Future<TcpRelay> start(Vertx vertx, String host, int port) {
    TcpRelay relay = new TcpRelay(vertx, host, port);
    return relay.listen(0).map(relay);
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

  private void accept(NetSocket downstream) {
    if (cut) {
      downstream.close();
      return;
    }
    downstream.pause();
    client.connect(targetPort, targetHost).onComplete(connected -> {
      if (connected.failed() || cut) {
        downstream.close();
        if (connected.succeeded()) {
          connected.result().close();
        }
        return;
      }
      NetSocket upstream = connected.result();
      NetSocket[] pair = {downstream, upstream};
      pairs.add(pair);
      downstream.handler(data -> relay(data, upstream));
      upstream.handler(data -> relay(data, downstream));
      downstream.closeHandler(v -> {
        pairs.remove(pair);
        upstream.close();
      });
      upstream.closeHandler(v -> {
        pairs.remove(pair);
        downstream.close();
      });
      downstream.resume();
    });
  }

  private void relay(io.vertx.core.buffer.Buffer data, NetSocket to) {
    if (blackhole) {
      return;
    }
    long delay = delayMillis;
    if (delay <= 0) {
      to.write(data);
    } else {
      // Timers of one delay fire in the order they were set: the bytes keep their order.
      vertx.setTimer(delay, id -> to.write(data));
    }
  }

  /** Holds every byte this long, both ways, from now on (0: none); order is kept. */
  public void delay(long millis) {
    delayMillis = millis;
  }

  /** Closes every relayed connection and closes new ones at once, until {@link #restore()}. */
  public void cut() {
    cut = true;
    vertx.runOnContext(v -> pairs.forEach(pair -> {
      pair[0].close();
      pair[1].close();
    }));
  }

  /** Like {@link #cut()}, and the port refuses connections until {@link #restore()}. */
  public Future<Void> stopListening() {
    cut();
    NetServer current = server;
    server = null;
    return current == null ? Future.succeededFuture() : current.close();
  }

  /** Lets no byte through while on (connections stay open); off drops the stuck connections. */
  public void blackhole(boolean on) {
    blackhole = on;
    if (!on) {
      vertx.runOnContext(v -> pairs.forEach(pair -> {
        pair[0].close();
        pair[1].close();
      }));
    }
  }

  /** Relays again (on the same port); a black hole is lifted, dropping its stuck connections. */
  public Future<Void> restore() {
    cut = false;
    if (blackhole) {
      blackhole(false);
    }
    return server != null ? Future.succeededFuture() : listen(port);
  }

  public int connections() {
    return pairs.size();
  }

  public Future<Void> close() {
    return stopListening().eventually(client::close);
  }
}
