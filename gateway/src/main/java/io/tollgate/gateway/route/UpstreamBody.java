package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.request.CompletionRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The body sent to the backend: the client's bytes unchanged when possible; otherwise one copy
 * with the model renamed to the backend's name and, for streams, usage requested (the gateway
 * needs the final usage chunk to account tokens even when the client did not ask for it).
 */
final class UpstreamBody {

  private UpstreamBody() {
  }

  static Buffer of(CompletionRequest request, ModelRoute route) {
    boolean rename = !route.upstreamModel().equals(request.model());
    boolean askUsage = request.stream() && !request.clientWantsUsage();
    if (!rename && !askUsage) {
      return request.rawBody();
    }
    JsonObject body = request.body().copy();
    if (rename) {
      body.put("model", route.upstreamModel());
    }
    if (askUsage) {
      JsonObject options = body.getJsonObject("stream_options");
      options = options == null ? new JsonObject() : options.copy();
      body.put("stream_options", options.put("include_usage", true));
    }
    return body.toBuffer();
  }
}
