package io.tollgate.gateway.upstream;

import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's own connections to plain-HTTP backends, against real sockets: what the request
 * carries, keep-alive reuse and its end, back-pressure, a reset that must reach the backend as a
 * closed connection (vLLM's only abort signal), and the failures routing retries on.
 */
class UpstreamClientTest {

  private GuardedVertx guarded;
  private Vertx vertx;
  private Context loop;
  private UpstreamClient client;
  private HttpServer httpBackend;
  private NetServer rawBackend;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger closedConnections = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    guarded = GuardedVertx.create();
    vertx = guarded.vertx();
    loop = ((VertxInternal) vertx).createEventLoopContext();
    CompletableFuture<UpstreamClient> created = new CompletableFuture<>();
    loop.runOnContext(v -> created.complete(new UpstreamClient(vertx, new HttpClientOptions().setReceiveBufferSize(64 * 1024), 16)));
    client = created.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    loop.runOnContext(v -> client.close().onComplete(done -> closed.complete(null)));
    closed.get(10, TimeUnit.SECONDS);
    if (httpBackend != null) {
      httpBackend.close().await(10, TimeUnit.SECONDS);
    }
    if (rawBackend != null) {
      rawBackend.close().await(10, TimeUnit.SECONDS);
    }
    guarded.closeAndAssert();
  }

  @Test
  void callsInTurnShareOneKeptAliveConnectionAndCarryTheirHead() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    int port = httpBackend(request -> request.body().onSuccess(body -> {
      seen.add(request.method() + " " + request.uri() + " host=" + request.getHeader("host")
          + " type=" + request.getHeader("content-type") + " length=" + request.getHeader("content-length")
          + " body=" + body);
      request.response().putHeader("content-type", "application/json").end("{\"n\":" + seen.size() + "}");
    }));
    for (int n = 1; n <= 3; n++) {
      String question = "{\"q\":" + n + "}";
      UpstreamCall call = onLoop(() -> client.send(post(port, question)));
      CompletableFuture<String> body = new CompletableFuture<>();
      loop.runOnContext(v -> call.head().onSuccess(head -> {
        assertEquals(200, head.status());
        assertEquals("application/json", head.header("content-type"));
        head.body().onSuccess(b -> body.complete(b.toString())).onFailure(body::completeExceptionally);
      }).onFailure(body::completeExceptionally));
      assertEquals("{\"n\":" + n + "}", body.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, connections.get(), "one connection, kept alive between the calls");
    assertEquals("POST /v1/chat/completions host=127.0.0.1:" + port + " type=application/json length=7 body={\"q\":1}",
        seen.get(0));
  }

  @Test
  void aBackendThatSaysCloseIsNotAskedAgainOnThatConnection() throws Exception {
    int port = httpBackend(request -> request.response().putHeader("connection", "close").end("done"));
    for (int n = 0; n < 2; n++) {
      assertEquals("done", wholeBody(port));
    }
    assertEquals(2, connections.get());
  }

  @Test
  void piecesReadWhilePausedWaitForResumeInOrder() throws Exception {
    int port = httpBackend(request -> {
      request.response().setChunked(true).write("one;");
      vertx.setTimer(50, id -> request.response().write("two;"));
      vertx.setTimer(100, id -> request.response().end("three;"));
    });
    StringBuffer got = new StringBuffer();
    CompletableFuture<String> ended = new CompletableFuture<>();
    CompletableFuture<String> whilePaused = new CompletableFuture<>();
    UpstreamCall call = onLoop(() -> client.send(post(port, "{}")));
    loop.runOnContext(v -> call.head().onSuccess(head -> {
      head.handler(piece -> {
        got.append(piece);
        if (got.toString().equals("one;")) {
          head.pause(); // the client reads slower than the backend writes
          vertx.setTimer(400, id -> {
            whilePaused.complete(got.toString());
            head.resume();
          });
        }
      });
      head.endHandler(end -> ended.complete(got.toString()));
      head.exceptionHandler(ended::completeExceptionally);
    }));
    assertEquals("one;", whilePaused.get(10, TimeUnit.SECONDS), "nothing delivered while paused");
    assertEquals("one;two;three;", ended.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aResponseReadWholeBeforeAnyoneListenedIsDeliveredAndEnded() throws Exception {
    int port = httpBackend(request -> request.response().setChunked(true).write("one;").onSuccess(v ->
        request.response().end("two;")));
    StringBuffer got = new StringBuffer();
    CompletableFuture<String> ended = new CompletableFuture<>();
    UpstreamCall call = onLoop(() -> client.send(post(port, "{}")));
    loop.runOnContext(v -> call.head().onSuccess(head -> vertx.setTimer(300, id -> {
      head.handler(got::append); // by now the whole response was read and the connection freed
      head.exceptionHandler(ended::completeExceptionally);
      head.endHandler(end -> ended.complete(got.toString()));
    })));
    assertEquals("one;two;", ended.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aResetMidResponseClosesTheConnectionAndStopsEvents() throws Exception {
    CompletableFuture<Void> backendSawClose = new CompletableFuture<>();
    int port = httpBackend(request -> {
      request.response().setChunked(true).write("token;");
      long timer = vertx.setPeriodic(20, id -> request.response().write("token;"));
      request.connection().closeHandler(v -> {
        vertx.cancelTimer(timer);
        backendSawClose.complete(null);
      });
    });
    AtomicInteger piecesAfterReset = new AtomicInteger();
    boolean[] reset = {false};
    UpstreamCall call = onLoop(() -> client.send(post(port, "{}")));
    loop.runOnContext(v -> call.head().onSuccess(head -> head.handler(piece -> {
      if (reset[0]) {
        piecesAfterReset.incrementAndGet();
      }
      reset[0] = true;
      head.reset(); // the client went away: the backend must stop generating
    })));
    backendSawClose.get(10, TimeUnit.SECONDS);
    Thread.sleep(100);
    assertEquals(0, piecesAfterReset.get());
  }

  @Test
  void aResponseCutOffMidwayReachesTheExceptionHandlerNotTheEnd() throws Exception {
    int port = rawBackend(socket -> socket.handler(request -> socket
        .write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\ntoken;\r\n")
        .onComplete(done -> socket.close())));
    StringBuffer got = new StringBuffer();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    UpstreamCall call = onLoop(() -> client.send(post(port, "{}")));
    loop.runOnContext(v -> call.head().onSuccess(head -> {
      head.handler(got::append);
      head.endHandler(end -> failure.complete(null));
      head.exceptionHandler(failure::complete);
    }));
    Throwable cause = failure.get(10, TimeUnit.SECONDS);
    assertTrue(cause != null, "an end would pass a truncated stream off as complete");
    assertEquals("token;", got.toString());
  }

  @Test
  void anUnreadableResponseOrNoListenerFailsTheHead() throws Exception {
    int port = rawBackend(socket -> socket.handler(request -> socket.write("this is not HTTP\r\n\r\n")));
    assertTrue(headFailure(port) != null);
    try (ServerSocket free = new ServerSocket(0)) {
      int nobody = free.getLocalPort();
      free.close();
      assertInstanceOf(ConnectException.class, headFailure(nobody), "routing answers 503 for a refused connection");
    }
  }

  @Test
  void idleConnectionsAreClosedAfterTheKeepAliveTimeout() throws Exception {
    int port = httpBackend(request -> request.response().end("ok"));
    assertEquals("ok", wholeBody(port));
    onLoop(() -> {
      client.expireIdle(System.nanoTime());
      return null;
    });
    Thread.sleep(100);
    assertEquals(0, closedConnections.get(), "not idle long enough yet");
    onLoop(() -> {
      client.expireIdle(System.nanoTime() + UpstreamClient.KEEP_ALIVE_NANOS + 1);
      return null;
    });
    long deadline = System.currentTimeMillis() + 5_000;
    while (closedConnections.get() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, closedConnections.get());
    assertEquals("ok", wholeBody(port));
    assertEquals(2, connections.get(), "a new connection after the idle one was closed");
  }

  @Test
  void anUploadGoesThroughVertxsClientWithItsOwnHostAndLengthAndItsWholeBody() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    int port = httpBackend(request -> request.body().onSuccess(body -> {
      seen.add("host=" + request.getHeader("host") + " length=" + request.getHeader("content-length") + " body=" + body);
      request.response().end("ok");
    }));
    // Host and length are the sending client's to set, whatever the request's headers say.
    io.netty.handler.codec.http.HttpHeaders headers = UpstreamRequest.newHeaders()
        .set("content-type", "multipart/form-data; boundary=b").set("host", "elsewhere:1").set("content-length", "999");
    UpstreamRequest upload = new UpstreamRequest("POST", "127.0.0.1", port, false, "/v1/audio/transcriptions", 2_000,
        headers, Buffer.buffer("head;"), new OneBuffer(Buffer.buffer("rest")), 9);
    UpstreamCall call = onLoop(() -> client.send(upload));
    CompletableFuture<String> body = new CompletableFuture<>();
    loop.runOnContext(v -> call.head().compose(UpstreamCall::body)
        .onSuccess(b -> body.complete(b.toString())).onFailure(body::completeExceptionally));
    assertEquals("ok", body.get(10, TimeUnit.SECONDS));
    assertTrue(call.uploadStarted(), "no other backend may be tried once the file began to stream");
    assertEquals(List.of("host=127.0.0.1:" + port + " length=9 body=head;rest"), seen);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private static UpstreamRequest post(int port, String body) {
    return new UpstreamRequest("POST", "127.0.0.1", port, false, "/v1/chat/completions", 2_000,
        UpstreamRequest.newHeaders().set("content-type", "application/json"), Buffer.buffer(body), null, -1);
  }

  private String wholeBody(int port) throws Exception {
    UpstreamCall call = onLoop(() -> client.send(post(port, "{}")));
    CompletableFuture<String> body = new CompletableFuture<>();
    loop.runOnContext(v -> call.head()
        .compose(UpstreamCall::body)
        .onSuccess(b -> body.complete(b.toString()))
        .onFailure(body::completeExceptionally));
    return body.get(10, TimeUnit.SECONDS);
  }

  private Throwable headFailure(int port) throws Exception {
    UpstreamCall call = onLoop(() -> client.send(post(port, "{}")));
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    loop.runOnContext(v -> call.head().onComplete(result -> failure.complete(result.cause())));
    return failure.get(10, TimeUnit.SECONDS);
  }

  private <T> T onLoop(java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException | AssertionError e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private int httpBackend(Consumer<HttpServerRequest> handler) throws Exception {
    httpBackend = vertx.createHttpServer()
        .connectionHandler(connection -> {
          connections.incrementAndGet();
          connection.closeHandler(v -> closedConnections.incrementAndGet());
        })
        .requestHandler(handler::accept);
    return httpBackend.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private int rawBackend(Consumer<NetSocket> handler) throws Exception {
    rawBackend = vertx.createNetServer().connectHandler(socket -> {
      connections.incrementAndGet();
      handler.accept(socket);
    });
    return rawBackend.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  /** The rest of an upload: one buffer, then the end, as the client's socket would give them. */
  private static final class OneBuffer implements io.vertx.core.streams.ReadStream<Buffer> {
    private final Buffer only;
    private io.vertx.core.Handler<Buffer> handler;
    private io.vertx.core.Handler<Void> endHandler;
    private boolean paused;
    private boolean done;

    OneBuffer(Buffer only) {
      this.only = only;
    }

    @Override
    public OneBuffer exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
      return this;
    }

    @Override
    public OneBuffer handler(io.vertx.core.Handler<Buffer> handler) {
      this.handler = handler;
      emit();
      return this;
    }

    @Override
    public OneBuffer pause() {
      paused = true;
      return this;
    }

    @Override
    public OneBuffer resume() {
      paused = false;
      emit();
      return this;
    }

    @Override
    public OneBuffer fetch(long amount) {
      return resume();
    }

    @Override
    public OneBuffer endHandler(io.vertx.core.Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }

    private void emit() {
      if (!done && !paused && handler != null) {
        done = true;
        handler.handle(only);
        if (endHandler != null) {
          endHandler.handle(null);
        }
      }
    }
  }
}
