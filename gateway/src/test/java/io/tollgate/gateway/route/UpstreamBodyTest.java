package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.request.CompletionRequest;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.request.RequestParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What the backend receives: the client's bytes, spliced only where the gateway must change them. */
class UpstreamBodyTest {

  private static final ModelRoute SAME_NAME = new ModelRoute("m", "m", List.of("b"), ModelRoute.RouteTimeouts.DEFAULT, 2,
      ModelRoute.Prices.FREE);
  private static final ModelRoute RENAMED = new ModelRoute("m", "org/Model \"β\"", List.of("b"),
      ModelRoute.RouteTimeouts.DEFAULT, 2, ModelRoute.Prices.FREE);

  private static CompletionRequest parse(String json) {
    return RequestParser.parse(Endpoint.CHAT_COMPLETIONS, Buffer.buffer(json)).request();
  }

  /** The same edits done on a parsed tree: what the splice must be equivalent to. */
  private static JsonObject expected(String json, ModelRoute route) {
    JsonObject body = new JsonObject(json);
    body.put("model", route.upstreamModel());
    if (Boolean.TRUE.equals(body.getValue("stream"))) {
      JsonObject options = body.getJsonObject("stream_options", new JsonObject());
      if (!body.containsKey("stream_options") || Boolean.FALSE.equals(options.getValue("include_usage"))) {
        body.put("stream_options", options.copy().put("include_usage", true));
      }
    }
    return body;
  }

  @Test
  void bytesPassUnchangedWhenNothingChanges() {
    CompletionRequest request = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertSame(request.rawBody(), UpstreamBody.of(request, SAME_NAME));
  }

  @Test
  void splicesTheModelAndTheUsageRequestWhereverTheyAre() {
    for (String json : List.of(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
        "  {  \"messages\" : [ {\"role\":\"user\",\"content\":\"h\\u00e9 \\\"q\\\" ünï\"} ] ,\n \"model\" :  \"\\u006d\" , \"stream\":true }",
        "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"model\":\"m\"}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":false,\"continuous_usage_stats\":false}}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}")) {
      for (ModelRoute route : List.of(SAME_NAME, RENAMED)) {
        CompletionRequest request = parse(json);
        Buffer sent = UpstreamBody.of(request, route);
        assertEquals(expected(json, route), new JsonObject(sent), json + " → " + sent);
      }
    }
  }
}
