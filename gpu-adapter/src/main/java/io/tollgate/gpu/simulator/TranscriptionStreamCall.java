package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;

/**
 * A streamed transcription or translation, chat-like as vLLM sends it (not OpenAI's
 * {@code transcript.text.delta}): {@code transcription.chunk} objects with {@code choices[].delta.content}, the
 * last with its finish reason, a usage chunk when {@code stream_include_usage}, then {@code [DONE]}.
 */
final class TranscriptionStreamCall extends SseCall {

  private final String head;

  TranscriptionStreamCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, String id) {
    super(request, response, engine);
    String object = request.endpoint() == Endpoint.TRANSLATION ? "translation.chunk" : "transcription.chunk";
    this.head = "data: {\"id\":" + Json.quote(id) + ",\"object\":\"" + object + "\",\"created\":"
        + System.currentTimeMillis() / 1000 + ",\"model\":" + Json.quote(request.model()) + ",\"choices\":[";
  }

  @Override
  protected void append(Sequence sequence, String token, boolean last) {
    pending.append(head).append("{\"delta\":{\"content\":\"").append(token).append("\"}");
    if (last) {
      pending.append(",\"finish_reason\":\"").append(sequence.finishReason).append("\",\"stop_reason\":null");
    }
    pending.append("}]");
    if (request.continuousUsage()) {
      appendUsage(sequence.generated);
    }
    pending.append("}\n\n");
  }

  @Override
  protected void complete() {
    if (request.includeUsage()) {
      pending.append(head).append(']');
      appendUsage(sequences.get(0).generated);
      pending.append("}\n\n");
    }
    pending.append(ResponseShapes.DONE);
    end();
  }

  private void appendUsage(long completion) {
    long prompt = request.promptTokens();
    pending.append(",\"usage\":{\"prompt_tokens\":").append(prompt).append(",\"completion_tokens\":")
        .append(completion).append(",\"total_tokens\":").append(prompt + completion).append('}');
  }

  @Override
  protected void fail(ApiError error) {
    pending.append("data: ").append(error.toJson()).append("\n\n").append(ResponseShapes.DONE);
    end();
  }
}
