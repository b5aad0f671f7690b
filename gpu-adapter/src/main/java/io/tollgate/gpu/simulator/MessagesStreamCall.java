package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A streamed {@code /v1/messages}, as vLLM writes it: {@code message_start} goes out with the first token (its
 * message without {@code type}/{@code role}), one text block, a {@code text_delta} per token, its stop, then
 * {@code message_delta} (stop reason, input and cumulative output tokens) and {@code message_stop}. No
 * {@code ping}, no {@code [DONE]}. A generation failure sends {@code event: error} and ends the stream.
 */
final class MessagesStreamCall extends SseCall {

  private final String id;

  MessagesStreamCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, String id) {
    super(request, response, engine);
    this.id = id;
  }

  @Override
  protected void append(Sequence sequence, String token, boolean last) {
    if (sequence.generated == 1) {
      event("message_start", new JsonObject().put("type", "message_start").put("message", new JsonObject()
          .put("id", id)
          .put("content", new JsonArray())
          .put("model", request.model())
          .putNull("stop_reason")
          .putNull("stop_sequence")
          .put("usage", usage(0))).encode());
      event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
          + "{\"type\":\"text\",\"text\":\"\"}}");
    }
    // Tokens come from the vocabulary and need no escaping.
    pending.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,")
        .append("\"delta\":{\"type\":\"text_delta\",\"text\":\"").append(token).append("\"}}\n\n");
  }

  @Override
  protected void complete() {
    Sequence sequence = sequences.get(0);
    event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    event("message_delta", new JsonObject().put("type", "message_delta")
        .put("delta", new JsonObject().put("stop_reason", MessagesHandler.stopReason(sequence.finishReason)))
        .put("usage", usage(sequence.generated)).encode());
    event("message_stop", "{\"type\":\"message_stop\"}");
    end();
  }

  @Override
  protected void fail(ApiError error) {
    event("error", new ApiError(error.status(), error.message(), null, "internal_error").toAnthropicJson());
    end();
  }

  private JsonObject usage(long outputTokens) {
    return new JsonObject().put("input_tokens", request.promptTokens()).put("output_tokens", outputTokens);
  }
}
