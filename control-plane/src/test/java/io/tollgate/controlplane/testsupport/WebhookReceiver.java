package io.tollgate.controlplane.testsupport;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on a free port: keeps every POST it accepts, per path. A path can be told to
 * fail its first N requests (HTTP 503), as a receiver that is down for a while.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request the receiver got: its headers, its body, and whether it was accepted. */
  public record Received(String path, MultiMap headers, String body, boolean accepted) {
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  /**
   * The webhook egress that lets alerts reach a receiver of this machine: loopback is refused by
   * default (SSRF), so tests allow it explicitly as an operator would allow an internal network.
   */
  public static final io.tollgate.controlplane.config.AlertSettings.Webhooks LOOPBACK_ALLOWED =
      new io.tollgate.controlplane.config.AlertSettings.Webhooks(List.of(), List.of("127.0.0.0/8"));

  public static WebhookReceiver start(Vertx vertx) throws Exception {
    WebhookReceiver[] holder = new WebhookReceiver[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      AtomicInteger left = holder[0].failuresLeft.get(request.path());
      boolean fail = left != null && left.getAndDecrement() > 0;
      holder[0].received.add(new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
          body.toString(), !fail));
      request.response().setStatusCode(fail ? 503 : 200).end(fail ? "down for maintenance" : "ok");
    }));
    holder[0] = new WebhookReceiver(server);
    RunningControlPlane.await(server.listen(0, "127.0.0.1"));
    return holder[0];
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** The next {@code times} requests to {@code path} get 503. */
  public void failNext(String path, int times) {
    failuresLeft.put(path, new AtomicInteger(times));
  }

  /** What {@code path} got, in order (accepted or not). */
  public List<Received> at(String path) {
    List<Received> at = new ArrayList<>();
    for (Received one : received) {
      if (one.path().equals(path)) {
        at.add(one);
      }
    }
    return at;
  }

  public List<Received> acceptedAt(String path) {
    return at(path).stream().filter(Received::accepted).toList();
  }

  @Override
  public void close() throws Exception {
    RunningControlPlane.await(server.close());
  }
}
