package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;

/** A {@code stream=true} chat or completions request: {@code data:} chunks as vLLM writes them, then [DONE]. */
final class StreamingCall extends SseCall {

  private final ResponseShapes shapes;

  StreamingCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, ResponseShapes shapes) {
    super(request, response, engine);
    this.shapes = shapes;
  }

  @Override
  protected void append(Sequence sequence, String text, boolean last) {
    ResponseShapes.Usage usage = request.continuousUsage()
        ? new ResponseShapes.Usage(sequence.promptTokens, sequence.generated) : null;
    if (sequence.generated == 1 && request.endpoint() == Endpoint.CHAT) {
      // The role chunk goes out together with the first token, not on arrival: TTFT stays honest.
      ResponseShapes.Usage roleUsage = usage == null ? null : new ResponseShapes.Usage(sequence.promptTokens, 0);
      shapes.appendRoleChunk(pending, sequence.choiceIndex, roleUsage);
    }
    shapes.appendTokenChunk(pending, sequence.choiceIndex, text, last ? sequence.finishReason : null, usage);
  }

  @Override
  protected void complete() {
    if (request.includeUsage()) {
      shapes.appendUsageChunk(pending, usage());
    }
    pending.append(ResponseShapes.DONE);
    end();
  }

  @Override
  protected void fail(ApiError error) {
    // Like vLLM's mid-stream error: an error event, then [DONE], then the end of the stream.
    pending.append("data: ").append(error.toJson()).append("\n\n").append(ResponseShapes.DONE);
    end();
  }
}
