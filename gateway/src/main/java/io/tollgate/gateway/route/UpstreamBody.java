package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.request.CompletionRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The body sent to the backend: the client's bytes unchanged when possible; otherwise one copy
 * with the model renamed to the backend's name and, for streams, usage requested (the gateway
 * needs the final usage chunk to account tokens even when the client did not ask for it).
 *
 * <p>Both edits are splices of the client's bytes at positions the parser noted: the model's value
 * replaced, {@code "stream_options":{"include_usage":true}} put first in the object. Only a body
 * that has {@code stream_options} already (with usage turned off) is rewritten through a JSON tree.
 */
final class UpstreamBody {

  private static final byte[] ASK_USAGE = "\"stream_options\":{\"include_usage\":true},".getBytes();

  private UpstreamBody() {
  }

  static Buffer of(CompletionRequest request, ModelRoute route) {
    if (request.isUpload()) {
      return upload(request, route);
    }
    boolean rename = !route.upstreamModel().equals(request.model());
    boolean askUsage = request.stream() && !request.clientWantsUsage();
    if (!rename && !askUsage) {
      return request.rawBody();
    }
    CompletionRequest.BodyLayout layout = request.layout();
    if (askUsage && layout.hasStreamOptions()) {
      return rewritten(request, route, rename);
    }
    Buffer raw = request.rawBody();
    byte[] model = rename ? Json.encode(route.upstreamModel()).getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
    Buffer out = Buffer.buffer(raw.length() + ASK_USAGE.length + (model == null ? 0 : model.length));
    int at = 0;
    if (askUsage) {
      out.appendBuffer(raw, 0, layout.objectStart() + 1).appendBytes(ASK_USAGE);
      at = layout.objectStart() + 1;
    }
    if (rename) {
      out.appendBuffer(raw, at, layout.modelStart() - at).appendBytes(model);
      at = layout.modelEnd();
    }
    return out.appendBuffer(raw, at, raw.length() - at);
  }

  private static Buffer rewritten(CompletionRequest request, ModelRoute route, boolean rename) {
    JsonObject body = request.body().copy();
    if (rename) {
      body.put("model", route.upstreamModel());
    }
    JsonObject options = body.getJsonObject("stream_options");
    options = options == null ? new JsonObject() : options.copy();
    body.put("stream_options", options.put("include_usage", true));
    return body.toBuffer();
  }

  /**
   * An upload's bytes, with the model field's value replaced when the backend names the model
   * otherwise and, for a stream whose client did not say, a {@code stream_include_usage} part put
   * first (vLLM's transcription stream reports usage only when asked; the chunk is stripped again).
   */
  private static Buffer upload(CompletionRequest request, ModelRoute route) {
    Buffer raw = request.rawBody();
    boolean rename = !route.upstreamModel().equals(request.model());
    boolean askUsage = request.stream() && !request.layout().hasStreamOptions();
    if (!rename && !askUsage) {
      return raw;
    }
    Buffer out = Buffer.buffer(raw.length() + 128);
    if (askUsage) {
      String boundary = request.contentType().replaceAll("(?i).*boundary=\"?([^\";]+)\"?.*", "$1");
      out.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"stream_include_usage\"\r\n\r\n"
          + "true\r\n");
    }
    CompletionRequest.BodyLayout layout = request.layout();
    if (rename) {
      out.appendBuffer(raw, 0, layout.modelStart()).appendString(route.upstreamModel())
          .appendBuffer(raw, layout.modelEnd(), raw.length() - layout.modelEnd());
    } else {
      out.appendBuffer(raw);
    }
    return out;
  }
}
