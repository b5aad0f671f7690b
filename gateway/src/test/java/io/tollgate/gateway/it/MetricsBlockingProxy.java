package io.tollgate.gateway.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;

/**
 * An HTTP proxy in front of a simulator whose {@code /metrics} fails (503) while everything else
 * is forwarded, streams included: a backend that serves but whose load signals go stale.
 */
final class MetricsBlockingProxy {

  private final HttpServer server;

  private MetricsBlockingProxy(HttpServer server) {
    this.server = server;
  }

  static Future<MetricsBlockingProxy> start(Vertx vertx, int targetPort) {
    HttpClient client = vertx.createHttpClient();
    return vertx.createHttpServer().requestHandler(request -> {
      if (request.path().endsWith("/metrics")) {
        request.response().setStatusCode(503).end();
        return;
      }
      RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
          .setPort(targetPort).setURI(request.uri());
      request.headers().forEach(header -> {
        if (!header.getKey().equalsIgnoreCase("host")) {
          options.addHeader(header.getKey(), header.getValue());
        }
      });
      request.body()
          .compose(body -> client.request(options).compose(upstream -> upstream.send(body)))
          .onFailure(cause -> request.response().setStatusCode(502).end())
          .onSuccess(upstream -> {
            request.response().setStatusCode(upstream.statusCode());
            request.response().headers().addAll(upstream.headers());
            upstream.pipeTo(request.response());
          });
    }).listen(0, "127.0.0.1").map(MetricsBlockingProxy::new);
  }

  int port() {
    return server.actualPort();
  }
}
