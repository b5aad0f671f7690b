package io.tollgate.loadtest.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test server whose answers are scripts: each path prefix writes its SSE events at chosen delays, so the
 * client's measurements can be checked against a known timeline.
 */
final class ScriptedServer {

  /** One step of a script: wait, then write (or end, when text is null). */
  record Step(long delayMs, String text) {
    static Step write(long delayMs, String text) {
      return new Step(delayMs, text);
    }

    static Step end(long delayMs) {
      return new Step(delayMs, null);
    }
  }

  static String event(String json) {
    return "data: " + json + "\n\n";
  }

  static String token(String text) {
    return event("{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}]}");
  }

  static String role() {
    return event("{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
        + "\"finish_reason\":null}]}");
  }

  static String usage(int prompt, int completion) {
    return event("{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
        + ",\"completion_tokens\":" + completion + "}}");
  }

  static final String DONE = "data: [DONE]\n\n";

  private final Vertx vertx;
  private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Consumer<HttpServerRequest>> handlers = new ConcurrentHashMap<>();
  final AtomicInteger closedEarly = new AtomicInteger();
  final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  final Map<String, String> lastBody = new ConcurrentHashMap<>();
  private HttpServer server;

  ScriptedServer(Vertx vertx) {
    this.vertx = vertx;
  }

  ScriptedServer script(String prefix, List<Step> steps) {
    scripts.put(prefix, steps);
    return this;
  }

  ScriptedServer handler(String prefix, Consumer<HttpServerRequest> handler) {
    handlers.put(prefix, handler);
    return this;
  }

  Future<ScriptedServer> start() {
    return vertx.createHttpServer().requestHandler(request -> {
      String prefix = request.path().substring(0, request.path().indexOf("/v1/"));
      request.body().onSuccess(body -> {
        lastBody.put(prefix, body.toString());
        request.headers().forEach(h -> lastHeaders.put(prefix + ":" + h.getKey().toLowerCase(), h.getValue()));
        Consumer<HttpServerRequest> handler = handlers.get(prefix);
        if (handler != null) {
          handler.accept(request);
          return;
        }
        HttpServerResponse response = request.response().setChunked(true)
            .putHeader("content-type", "text/event-stream; charset=utf-8");
        boolean[] ended = new boolean[1];
        response.closeHandler(v -> {
          if (!ended[0]) {
            closedEarly.incrementAndGet();
          }
        });
        play(response, scripts.get(prefix), 0, ended);
      });
    }).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  private void play(HttpServerResponse response, List<Step> steps, int index, boolean[] ended) {
    if (index >= steps.size() || response.closed()) {
      return;
    }
    Step step = steps.get(index);
    Runnable act = () -> {
      if (response.closed()) {
        return;
      }
      if (step.text() == null) {
        ended[0] = true;
        response.end();
      } else {
        response.write(step.text());
        play(response, steps, index + 1, ended);
      }
    };
    if (step.delayMs() <= 0) {
      act.run();
    } else {
      vertx.setTimer(step.delayMs(), id -> act.run());
    }
  }

  String baseUrl(String prefix) {
    return "http://127.0.0.1:" + server.actualPort() + prefix;
  }
}
