package io.tollgate.gateway.it;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Small blocking HTTP helpers for tests (test thread only). */
public final class Http {

  /**
   * The Vert.x context each client's requests are issued from. Issuing them from the test thread
   * can lose response bodies (eclipse-vertx/vert.x#5904), so every request starts on a context.
   */
  private static final java.util.Map<HttpClient, io.vertx.core.Context> CONTEXTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Http() {
  }

  public static void bind(HttpClient client, io.vertx.core.Context context) {
    CONTEXTS.put(client, context);
  }

  /** Runs {@code call} on the client's context and waits for its result (test thread only). */
  public static <T> T onContext(HttpClient client, java.util.function.Supplier<io.vertx.core.Future<T>> call)
      throws Exception {
    io.vertx.core.Context context = CONTEXTS.get(client);
    if (context == null) {
      return TestBed.await(call.get());
    }
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return TestBed.await(promise.future());
  }

  /** A whole response. */
  public record Reply(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonObject error() {
      return json().getJsonObject("error");
    }

    /** The SSE data payloads, in order (comments dropped). */
    public List<String> events() {
      List<String> data = new ArrayList<>();
      for (String event : body.toString().split("\n\n")) {
        // A typed event (Responses, Messages) has its "event:" line first.
        int at = event.startsWith("data: ") ? 0 : event.indexOf("\ndata: ") + 1;
        if (at > 0 || event.startsWith("data: ")) {
          data.add(event.substring(at + 6));
        }
      }
      return data;
    }

    /** Events carrying generated text (the chat role-only chunk does not count). */
    public long tokenEvents() {
      long count = 0;
      for (String event : events()) {
        if (!event.startsWith("{")) {
          continue;
        }
        io.vertx.core.json.JsonArray choices = new JsonObject(event).getJsonArray("choices");
        if (choices == null || choices.isEmpty()) {
          continue;
        }
        JsonObject choice = choices.getJsonObject(0);
        JsonObject delta = choice.getJsonObject("delta");
        String text = delta != null ? delta.getString("content") : choice.getString("text");
        if (text != null && !text.isEmpty()) {
          count++;
        }
      }
      return count;
    }

    public String header(String name) {
      return headers.get(name);
    }
  }

  public static Reply post(HttpClient client, String path, String body, String key, String... headers) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("content-type", "application/json");
    if (key != null) {
      options.putHeader("authorization", "Bearer " + key);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.putHeader(headers[i], headers[i + 1]);
    }
    // body() is asked for in the same callback that delivers the response, so no chunk can
    // arrive before the body handler is set.
    return onContext(client, () -> client.request(options)
        .compose(request -> request.send(body)
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
  }

  /** Sends without waiting (from the client's context), for many requests at once. */
  public static io.vertx.core.Future<Reply> postAsync(HttpClient client, String path, String body, String key) {
    io.vertx.core.Promise<Reply> promise = io.vertx.core.Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + key);
    Runnable send = () -> client.request(options)
        .compose(request -> request.send(body)
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b))))
        .onComplete(promise);
    io.vertx.core.Context context = CONTEXTS.get(client);
    if (context == null) {
      send.run();
    } else {
      context.runOnContext(v -> send.run());
    }
    return promise.future();
  }

  public static Reply get(HttpClient client, String path, String key) throws Exception {
    return send(client, HttpMethod.GET, path, key);
  }

  /** A request without a body (GET, HEAD, DELETE…). */
  public static Reply send(HttpClient client, HttpMethod method, String path, String key) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (key != null) {
      options.putHeader("authorization", "Bearer " + key);
    }
    return onContext(client, () -> client.request(options)
        .compose(request -> request.send()
            .compose((HttpClientResponse response) -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))));
  }

  public static String chat(int maxTokens, boolean stream) {
    return chat(maxTokens, stream, null);
  }

  public static String chat(int maxTokens, boolean stream, Boolean includeUsage) {
    JsonObject body = new JsonObject()
        .put("model", TestBed.MODEL)
        .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("role", "user").put("content", "tell me a story about a toll gate")))
        .put("max_tokens", maxTokens)
        .put("stream", stream);
    if (includeUsage != null) {
      body.put("stream_options", new JsonObject().put("include_usage", includeUsage));
    }
    return body.encode();
  }
}
