package io.tollgate.controlplane.observability;

import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The observer records the status that was sent, over HTTP/2 as over HTTP/1.1. An HTTP/2 stream
 * closes as its response ends, and Vert.x Web reports that close to end handlers as a failure
 * ("Connection closed") when it comes first: the observer took every such request for one whose
 * client went away, and logged and counted 499. (The API port offers HTTP/2 over TLS only, by
 * ALPN, ADR 21; this serves the observer over a plain HTTP/2-capable server, as any service of ours could.)
 */
class RequestObserverHttp2Test {

  @Test
  void anHttp2AnswerIsCountedWithItsOwnStatus() throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    try (ControlPlaneMetrics metrics = new ControlPlaneMetrics()) {
      Router router = Router.router(guarded.vertx());
      router.route().handler(new RequestObserver(metrics));
      // As the API: the request paused while the token is checked, then the body read.
      router.route("/api/v1/*").handler(ctx -> {
        ctx.request().pause();
        guarded.vertx().setTimer(1, t -> ctx.next());
      });
      router.route("/api/v1/*").handler(io.vertx.ext.web.handler.BodyHandler.create());
      router.get("/api/v1/thing").handler(ctx -> {
        RequestObserver.matched(ctx);
        ctx.response().setStatusCode(201).end("made");
      });
      HttpServer server = await(guarded.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      for (int mode = 0; mode < 3; mode++) {
        // HTTP/1.1; HTTP/2 with prior knowledge; HTTP/2 by an h2c upgrade (as curl --http2 and java.net.http).
        HttpVersion version = mode == 0 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_2;
        HttpClient client = guarded.vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(version)
            .setHttp2ClearTextUpgrade(mode == 2).setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
        String protocol = await(guarded.vertx().getOrCreateContext().<Future<String>>executeBlocking(() -> null)
            .transform(ignored -> client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/thing"))
                .compose(request -> request.send().compose(response -> response.body()
                    .map(body -> response.version() + " " + response.statusCode())))));
        assertEquals(version + " 201", protocol);
        await(client.close());
      }
      java.net.http.HttpResponse<String> jdk = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_2).build()
          .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.actualPort()
              + "/api/v1/thing")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(java.net.http.HttpClient.Version.HTTP_2, jdk.version());
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!metrics.scrape().contains("status=\"201\"} 4.0") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      String scrape = metrics.scrape();
      assertEquals(true, scrape.contains("tollgate_control_plane_http_requests_total{method=\"GET\",route=\"/api/v1/thing\",status=\"201\"} 4.0"),
          scrape.lines().filter(l -> l.startsWith("tollgate_control_plane_http_requests_total")).toList().toString());
      await(server.close());
    } finally {
      guarded.closeAndAssert();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
