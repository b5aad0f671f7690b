package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A non-streamed {@code POST /v1/responses}: the output is collected and sent as one response object. A
 * background request has no HTTP response: it was answered {@code queued} at once, and its progress and
 * result live in the {@link ResponseStore} until a cancel stops it.
 */
final class ResponsesCall extends WholeTextCall {

  private final ResponsesRequest responses;
  private final ResponseStore store;
  private final long createdAt;

  ResponsesCall(ResponsesRequest responses, HttpServerResponse response, GpuEngine engine, ResponseStore store,
      long createdAt) {
    super(responses.generation(), response, engine);
    this.responses = responses;
    this.store = store;
    this.createdAt = createdAt;
  }

  @Override
  protected void begin() {
    if (responses.background()) {
      store.put(responses.id(), new ResponseStore.Entry(inProgress("queued"), responses.conversation(), this));
    }
  }

  /** The object a background request is answered with, and what GET shows until it starts generating. */
  JsonObject inProgress(String status) {
    return responses.object(createdAt, status, new JsonArray(), null, null);
  }

  @Override
  protected void append(Sequence sequence, String token, boolean last) {
    super.append(sequence, token, last);
    if (responses.background() && sequence.generated == 1) {
      store.put(responses.id(), new ResponseStore.Entry(inProgress("in_progress"), responses.conversation(), this));
    }
  }

  @Override
  protected void complete() {
    Sequence sequence = sequences.get(0);
    String finish = sequence.finishReason;
    JsonObject object = responses.object(createdAt, ResponsesRequest.finalStatus(finish),
        new JsonArray().add(ResponsesRequest.messageItem("msg_" + RequestIds.random(), text.toString(),
            "completed")),
        ResponsesRequest.usage(request.promptTokens(), cachedTokens(), sequence.generated),
        ResponsesRequest.incompleteDetails(finish));
    if (responses.store()) {
      store.put(responses.id(), new ResponseStore.Entry(object, conversationWith(responses, text), null));
    }
    if (response != null && !response.ended() && !response.closed()) {
      response.putHeader("content-type", "application/json").end(object.encode());
    }
  }

  @Override
  protected void fail(ApiError error) {
    if (responses.background()) {
      store.put(responses.id(), new ResponseStore.Entry(inProgress("failed"), responses.conversation(), null));
    } else {
      error.send(response);
    }
  }

  /**
   * Cancels a background response still queued or generating: its sequence is aborted (and counted as an
   * abort of the Responses family), and the stored object becomes {@code cancelled}. Null if it had ended.
   */
  JsonObject cancel() {
    if (!abortSequences()) {
      return null;
    }
    engine.metrics().requestAborted(request.endpoint());
    JsonObject cancelled = inProgress("cancelled");
    store.put(responses.id(), new ResponseStore.Entry(cancelled, responses.conversation(), null));
    return cancelled;
  }

  /** The conversation a later {@code previous_response_id} continues: this prompt plus this answer. */
  static JsonArray conversationWith(ResponsesRequest responses, CharSequence output) {
    return responses.conversation().copy()
        .add(new JsonObject().put("role", "assistant").put("content", output.toString()));
  }
}
