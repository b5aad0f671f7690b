package io.tollgate.analytics.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of the real RabbitMQ, to take the broker away without stopping it for
 * everyone else: {@link #cut()} closes every connection and refuses new ones (a stopped broker, a
 * closed port); {@link #blackhole(boolean)} keeps connections open but lets no byte through (a
 * network partition: publishes vanish, confirms never come).
 */
public final class BrokerProxy {

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final List<NetSocket[]> pairs = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean blackhole;

  private BrokerProxy(Vertx vertx, NetServer server, NetClient client) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
  }

  public static Future<BrokerProxy> start(Vertx vertx, String host, int port) {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    BrokerProxy proxy = new BrokerProxy(vertx, server, client);
    server.connectHandler(downstream -> {
      if (proxy.cut) {
        downstream.close();
        return;
      }
      downstream.pause();
      client.connect(port, host).onComplete(connected -> {
        if (connected.failed() || proxy.cut) {
          downstream.close();
          if (connected.succeeded()) {
            connected.result().close();
          }
          return;
        }
        NetSocket upstream = connected.result();
        NetSocket[] pair = {downstream, upstream};
        proxy.pairs.add(pair);
        downstream.handler(data -> {
          if (!proxy.blackhole) {
            upstream.write(data);
          }
        });
        upstream.handler(data -> {
          if (!proxy.blackhole) {
            downstream.write(data);
          }
        });
        downstream.closeHandler(v -> {
          proxy.pairs.remove(pair);
          upstream.close();
        });
        upstream.closeHandler(v -> {
          proxy.pairs.remove(pair);
          downstream.close();
        });
        downstream.resume();
      });
    });
    return server.listen(0, "127.0.0.1").map(s -> proxy);
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "amqp://guest:guest@127.0.0.1:" + port() + "/";
  }

  /** Closes every relayed connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    vertx.runOnContext(v -> pairs.forEach(pair -> {
      pair[0].close();
      pair[1].close();
    }));
  }

  public void restore() {
    cut = false;
  }

  public void blackhole(boolean on) {
    blackhole = on;
  }

  public int connections() {
    return pairs.size();
  }

  public Future<Void> close() {
    cut();
    return server.close().eventually(client::close);
  }
}
