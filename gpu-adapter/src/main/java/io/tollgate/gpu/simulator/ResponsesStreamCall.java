package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A streamed {@code POST /v1/responses}, event for event as vLLM's simple (non-harmony) path writes it: each
 * event an {@code event:} line and a {@code data:} line whose JSON repeats the type and carries a
 * {@code sequence_number} counting from 0; {@code response.created} and {@code response.in_progress} before
 * generation, the item and content part opened with the first token, one {@code response.output_text.delta}
 * per token, then the done events and {@code response.completed} with the usage. No {@code [DONE]}. A
 * generation failure cuts the connection with no terminal event, as vLLM's stream does, or, with
 * {@link SimulatorConfig#responsesFailedEvent()}, ends with {@code response.failed} as proposed upstream.
 */
final class ResponsesStreamCall extends SseCall {

  private final ResponsesRequest responses;
  private final ResponseStore store;
  private final long createdAt;
  /** The simple stream's item id: a bare uuid hex, no {@code msg_} prefix. */
  private final String itemId = RequestIds.random();
  private final StringBuilder text = new StringBuilder();
  private final boolean failedEvent;
  private int sequenceNumber;

  ResponsesStreamCall(ResponsesRequest responses, HttpServerResponse response, GpuEngine engine,
      ResponseStore store, long createdAt, boolean failedEvent) {
    super(responses.generation(), response, engine);
    this.failedEvent = failedEvent;
    this.responses = responses;
    this.store = store;
    this.createdAt = createdAt;
  }

  @Override
  protected void begin() {
    super.begin();
    JsonObject inProgress = responses.object(createdAt, "in_progress", new JsonArray(), null, null);
    typed("response.created", new JsonObject().put("response", inProgress));
    typed("response.in_progress", new JsonObject().put("response", inProgress));
    flush();
  }

  @Override
  protected void append(Sequence sequence, String token, boolean last) {
    if (sequence.generated == 1) {
      typed("response.output_item.added", new JsonObject()
          .put("item", new JsonObject().put("id", itemId).put("content", new JsonArray())
              .put("role", "assistant").put("status", "in_progress").put("type", "message"))
          .put("output_index", 0));
      typed("response.content_part.added", new JsonObject()
          .put("content_index", 0).put("item_id", itemId).put("output_index", 0)
          .put("part", ResponsesRequest.outputText("", new JsonArray())));
    }
    text.append(token);
    // The hot path: built from a template (tokens come from the vocabulary and need no escaping).
    pending.append("event: response.output_text.delta\ndata: ").append("{\"content_index\":0,\"delta\":\"").append(token)
        .append("\",\"item_id\":\"").append(itemId).append("\",\"logprobs\":[],\"output_index\":0,")
        .append("\"sequence_number\":").append(sequenceNumber++)
        .append(",\"type\":\"response.output_text.delta\"}\n\n");
  }

  @Override
  protected void complete() {
    Sequence sequence = sequences.get(0);
    String full = text.toString();
    typed("response.output_text.done", new JsonObject()
        .put("content_index", 0).put("item_id", itemId).put("logprobs", new JsonArray()).put("output_index", 0)
        .put("text", full));
    typed("response.content_part.done", new JsonObject()
        .put("content_index", 0).put("item_id", itemId).put("output_index", 0)
        .put("part", ResponsesRequest.outputText(full, new JsonArray())));
    JsonObject item = ResponsesRequest.messageItem(itemId, full, "completed");
    typed("response.output_item.done", new JsonObject().put("item", item).put("output_index", 0));
    JsonObject finished = responses.object(createdAt, ResponsesRequest.finalStatus(sequence.finishReason),
        new JsonArray().add(item), ResponsesRequest.usage(request.promptTokens(), cachedTokens(),
            sequence.generated), ResponsesRequest.incompleteDetails(sequence.finishReason));
    if (responses.store()) {
      store.put(responses.id(), new ResponseStore.Entry(finished,
          ResponsesCall.conversationWith(responses, full), null));
    }
    typed("response.completed", new JsonObject().put("response", finished));
    end();
  }

  @Override
  protected void fail(ApiError error) {
    if (!failedEvent) {
      cut();
      return;
    }
    JsonObject failed = responses.object(createdAt, "failed", new JsonArray(), null, null)
        .put("error", new JsonObject().put("code", "server_error").put("message", error.message()));
    typed("response.failed", new JsonObject().put("response", failed));
    end();
  }

  /** One event: the payload's fields, then {@code sequence_number} and {@code type}. */
  private void typed(String type, JsonObject payload) {
    event(type, payload.put("sequence_number", sequenceNumber++).put("type", type).encode());
  }
}
