package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A non-streamed {@code /v1/messages}: one Anthropic message, as vLLM writes it ({@code exclude_none}). */
final class MessagesCall extends WholeTextCall {

  private final String id;

  MessagesCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, String id) {
    super(request, response, engine);
    this.id = id;
  }

  @Override
  protected void complete() {
    Sequence sequence = sequences.get(0);
    JsonObject message = new JsonObject()
        .put("id", id)
        .put("type", "message")
        .put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text.toString())))
        .put("model", request.model())
        .put("stop_reason", MessagesHandler.stopReason(sequence.finishReason))
        .put("usage", new JsonObject().put("input_tokens", request.promptTokens())
            .put("output_tokens", sequence.generated));
    if (!response.ended() && !response.closed()) {
      response.putHeader("content-type", "application/json").end(message.encode());
    }
  }

  @Override
  protected void fail(ApiError error) {
    error.sendAnthropic(response);
  }
}
