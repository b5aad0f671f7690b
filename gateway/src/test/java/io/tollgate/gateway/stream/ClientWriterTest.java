package io.tollgate.gateway.stream;

import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The data plane's server runs in Vert.x's strict thread mode, where a write from any thread but
 * the connection's own throws: a continuation completed on another thread (a Redis reply) must be
 * brought back to the client's loop before it writes.
 */
class ClientWriterTest {

  private GuardedVertx guarded;
  private Vertx elsewhere;
  private HttpServer server;

  @BeforeEach
  void start() {
    guarded = GuardedVertx.create();
    elsewhere = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
    elsewhere.close().await(10, TimeUnit.SECONDS);
    guarded.closeAndAssert();
  }

  @Test
  void aContinuationCompletedOnAnotherThreadWritesFromTheClientsLoop() throws Exception {
    AtomicReference<Thread> completedOn = new AtomicReference<>();
    AtomicReference<Thread> wroteOn = new AtomicReference<>();
    CompletableFuture<Thread> requestLoop = new CompletableFuture<>();
    server = guarded.vertx().createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
        .requestHandler(request -> {
          requestLoop.complete(Thread.currentThread());
          ClientWriter writer = new ClientWriter(request.response(), headers -> { });
          Promise<String> fromRedis = Promise.promise();
          // Completed on another Vert.x's event loop, as a reply read by another connection would be.
          elsewhere.setTimer(5, id -> {
            completedOn.set(Thread.currentThread());
            fromRedis.complete("answer");
          });
          writer.onItsLoop(fromRedis.future(), result -> {
            wroteOn.set(Thread.currentThread());
            writer.sendWhole("text/plain", Buffer.buffer(result.result()), "b1", "m");
          });
        })
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

    var client = guarded.vertx().createHttpClient();
    try {
      AtomicReference<Integer> status = new AtomicReference<>();
      Buffer body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send())
          .compose(response -> {
            status.set(response.statusCode());
            return response.body();
          }).await(10, TimeUnit.SECONDS);
      assertEquals(200, status.get());
      assertEquals("answer", body.toString());
      assertSame(requestLoop.get(), wroteOn.get(), "the write happened on the client's event loop");
      assertNotSame(completedOn.get(), wroteOn.get(), "the future completed on another thread");
    } finally {
      client.close();
    }
  }

  @Test
  void withoutTheHopStrictModeRefusesTheWrite() throws Exception {
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    server = guarded.vertx().createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
        .requestHandler(request -> {
          HttpServerResponse response = request.response();
          elsewhere.setTimer(5, id -> {
            try {
              response.end("from the wrong thread");
              refused.complete(null);
            } catch (IllegalStateException e) {
              refused.complete(e);
            }
            request.connection().close();
          });
        })
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    var client = guarded.vertx().createHttpClient();
    try {
      client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/").compose(request -> request.send());
      Throwable cause = refused.get(10, TimeUnit.SECONDS);
      assertEquals(IllegalStateException.class, cause == null ? null : cause.getClass(),
          "strict thread mode is what makes the hop necessary");
    } finally {
      client.close();
    }
  }

  @Test
  void aTurnsPiecesReachTheClientWholeAndInOrder() throws Exception {
    StringBuilder expected = new StringBuilder();
    server = guarded.vertx().createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
        .requestHandler(request -> {
          ClientWriter writer = new ClientWriter(request.response(), headers -> { });
          writer.startStream("b1", "m");
          // More pieces in one turn than a batch gathers before Netty folds them, some of them slices
          // of a larger buffer (as the SSE forwarder hands on), one of them empty.
          Buffer upstream = Buffer.buffer("xx data: sliced\n\nyy");
          for (int i = 0; i < 300; i++) {
            Buffer piece = i % 50 == 7 ? upstream.slice(3, 17)
                : i == 100 ? Buffer.buffer() : Buffer.buffer("data: " + i + "\n\n");
            writer.write(piece);
          }
          writer.end(Buffer.buffer("data: [DONE]\n\n"));
        })
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 300; i++) {
      expected.append(i % 50 == 7 ? "data: sliced\n\n" : i == 100 ? "" : "data: " + i + "\n\n");
    }
    expected.append("data: [DONE]\n\n");

    var client = guarded.vertx().createHttpClient();
    try {
      Buffer body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send())
          .compose(response -> response.body())
          .await(10, TimeUnit.SECONDS);
      assertEquals(expected.toString(), body.toString());
    } finally {
      client.close();
    }
  }
}
