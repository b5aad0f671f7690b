package io.tollgate.gpu.simulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small HTTP client for simulator tests: plain requests, and SSE streams parsed into timed events.
 *
 * <p>Every request is issued from one Vert.x context of its own. Issued from a test thread, each request
 * would get a fresh context, its response callbacks would hop to it asynchronously, and a response body
 * arriving meanwhile would be lost (eclipse-vertx/vert.x#5904).
 */
final class SimClient {

  private final HttpClient http;
  private final Context context;
  private final int port;

  SimClient(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  SimClient(Vertx vertx, int port, HttpClientOptions options) {
    this.http = vertx.createHttpClient(new HttpClientOptions(options).setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(4_000).setMaxWaitQueueSize(-1));
    this.context = vertx.getOrCreateContext();
    this.port = port;
  }

  /** Runs a client action on this client's context, from any thread. */
  <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  int port() {
    return port;
  }

  HttpClient http() {
    return http;
  }

  record Reply(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  record SseEvent(String data, long atNanos) {
    boolean done() {
      return "[DONE]".equals(data);
    }

    JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** An SSE event with its {@code event:} line (null when it had none), as Responses and Messages send them. */
  record TypedEvent(String event, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  record Stream(int status, MultiMap headers, String raw, List<SseEvent> events, long sentNanos) {
    /** Every event parsed with its optional {@code event:} line; fails on any other line. */
    List<TypedEvent> typed() {
      List<TypedEvent> out = new ArrayList<>();
      for (String block : raw.split("\n\n")) {
        if (block.isEmpty()) {
          continue;
        }
        String event = null;
        String data = null;
        for (String line : block.split("\n")) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = line.substring(6);
          } else {
            throw new AssertionError("not an SSE line: " + line);
          }
        }
        out.add(new TypedEvent(event, data));
      }
      return out;
    }

    List<JsonObject> chunks() {
      return events.stream().filter(e -> !e.done()).map(SseEvent::json).toList();
    }

    /** Chunks that carry choices (what vLLM's benchmark counts as tokens). */
    List<JsonObject> tokenChunks() {
      return chunks().stream().filter(c -> c.getJsonArray("choices") != null
          && !c.getJsonArray("choices").isEmpty()).toList();
    }
  }

  Future<Reply> get(String path) {
    return send(HttpMethod.GET, path, null, null, MultiMap.caseInsensitiveMultiMap());
  }

  Future<Reply> postJson(String path, JsonObject body) {
    return postJson(path, body, MultiMap.caseInsensitiveMultiMap());
  }

  Future<Reply> postJson(String path, JsonObject body, MultiMap headers) {
    return send(HttpMethod.POST, path, body.encode(), "application/json", headers);
  }

  Future<Reply> post(String path, String body, String contentType) {
    return send(HttpMethod.POST, path, body, contentType, MultiMap.caseInsensitiveMultiMap());
  }

  private Future<Reply> send(HttpMethod method, String path, String body, String contentType, MultiMap headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).setHeaders(headers);
    if (contentType != null) {
      options.putHeader("content-type", contentType);
    }
    return onContext(() -> http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString()))));
  }

  Future<Reply> postBuffer(String path, Buffer body, String contentType) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("content-type", contentType);
    return onContext(() -> http.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString()))));
  }

  /** Posts any body and collects the SSE answer (multipart streaming requests). */
  Future<Stream> streamBuffer(String path, Buffer body, String contentType) {
    long sent = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("content-type", contentType);
    return onContext(() -> http.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          SseParser parser = new SseParser();
          parser.feed(b.toString(), System.nanoTime());
          return new Stream(resp.statusCode(), resp.headers(), b.toString(), parser.events, sent);
        })));
  }

  /** Posts a request and hands over the response as soon as its headers arrive (abort tests). */
  Future<HttpClientResponse> open(String path, String body, String contentType,
      Consumer<HttpClientResponse> setup) {
    return onContext(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
            .putHeader("content-type", contentType))
        .compose(req -> req.send(body))
        .onSuccess(setup::accept));
  }

  /** Closes the connection a response came on (the client going away). */
  Future<Void> closeConnection(HttpClientResponse response) {
    return onContext(() -> response.request().connection().close());
  }

  /** Posts a streaming request and collects every SSE event with its arrival time. */
  Future<Stream> stream(String path, JsonObject body) {
    return stream(path, body, MultiMap.caseInsensitiveMultiMap(), resp -> { });
  }

  Future<Stream> stream(String path, JsonObject body, MultiMap headers, Consumer<HttpClientResponse> onResponse) {
    long sent = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setHeaders(headers)
        .putHeader("content-type", "application/json");
    return onContext(() -> http.request(options)
        .compose(req -> req.send(body.encode()))
        .compose(resp -> {
          Promise<Stream> done = Promise.promise();
          SseParser parser = new SseParser();
          StringBuilder raw = new StringBuilder();
          resp.handler(buf -> {
            String text = buf.toString();
            raw.append(text);
            parser.feed(text, System.nanoTime());
          });
          resp.exceptionHandler(done::tryFail);
          resp.endHandler(v -> done.tryComplete(
              new Stream(resp.statusCode(), resp.headers(), raw.toString(), parser.events, sent)));
          onResponse.accept(resp);
          return done.future();
        }));
  }

  /** Splits SSE text into events at blank lines, across network buffers. */
  static final class SseParser {
    final List<SseEvent> events = new ArrayList<>();
    private final StringBuilder pending = new StringBuilder();

    void feed(String text, long atNanos) {
      pending.append(text);
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String event = pending.substring(0, end);
        pending.delete(0, end + 2);
        if (event.startsWith("data: ")) {
          events.add(new SseEvent(event.substring(6), atNanos));
        } else {
          events.add(new SseEvent("<<not a data line: " + event + ">>", atNanos));
        }
      }
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return await(future, 20);
  }

  static <T> T await(Future<T> future, long seconds) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.out.println("TIMEOUT; event loop threads:");
      Thread.getAllStackTraces().forEach((t, st) -> {
        if (t.getName().contains("eventloop")) {
          System.out.println(t.getName() + " " + t.getState());
          for (StackTraceElement el : st) {
            System.out.println("   " + el);
          }
        }
      });
      throw e;
    }
  }

  static Buffer buffer(String s) {
    return Buffer.buffer(s);
  }

  void close() throws Exception {
    await(http.close(), 10);
  }
}
