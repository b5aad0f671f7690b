package io.tollgate.gpu.simulator;

/**
 * vLLM's response JSON for one request, built from string templates: the parts that never change within a
 * request (id, created, model) are rendered once, and each token only appends its text. Token texts come
 * from {@link Vocabulary} and never need escaping.
 */
final class ResponseShapes {

  static final String DONE = "data: [DONE]\n\n";

  private final Endpoint endpoint;
  private final String chunkHead;
  private final String responseHead;

  ResponseShapes(Endpoint endpoint, String id, long created, String model) {
    this.endpoint = endpoint;
    String common = "{\"id\":" + Json.quote(id) + ",\"object\":\"";
    String tail = "\",\"created\":" + created + ",\"model\":" + Json.quote(model) + ",\"choices\":[";
    String chunkObject = endpoint == Endpoint.CHAT ? "chat.completion.chunk" : "text_completion";
    String responseObject = endpoint == Endpoint.CHAT ? "chat.completion" : "text_completion";
    this.chunkHead = "data: " + common + chunkObject + tail;
    this.responseHead = common + responseObject + tail;
  }

  /** Chat only: the {@code delta.role} chunk that precedes the first token's chunk. */
  void appendRoleChunk(StringBuilder out, int index, Usage usage) {
    out.append(chunkHead).append("{\"index\":").append(index)
        .append(",\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]");
    if (usage != null) {
      usage.appendStreaming(out.append(",\"usage\":"));
    }
    out.append("}\n\n");
  }

  /** One token; {@code finishReason} non-null on the last one (then with {@code stop_reason}). */
  void appendTokenChunk(StringBuilder out, int index, String text, String finishReason, Usage usage) {
    out.append(chunkHead).append("{\"index\":").append(index);
    if (endpoint == Endpoint.CHAT) {
      out.append(",\"delta\":{\"content\":\"").append(text).append("\"},\"logprobs\":null,\"finish_reason\":");
      if (finishReason == null) {
        out.append("null}]");
      } else {
        out.append('"').append(finishReason).append("\",\"stop_reason\":null}]");
      }
      if (usage != null) {
        usage.appendStreaming(out.append(",\"usage\":"));
      }
    } else {
      out.append(",\"text\":\"").append(text).append("\",\"logprobs\":null,\"finish_reason\":");
      out.append(finishReason == null ? "null" : "\"" + finishReason + "\"");
      out.append(",\"stop_reason\":null}],\"usage\":");
      if (usage != null) {
        usage.appendStreaming(out);
      } else {
        out.append("null");
      }
    }
    out.append("}\n\n");
  }

  /** The {@code include_usage} chunk: no choices, totals of the request. */
  void appendUsageChunk(StringBuilder out, Usage usage) {
    usage.appendStreaming(out.append(chunkHead).append("],\"usage\":"));
    out.append("}\n\n");
  }

  /** A whole non-streaming response. */
  String fullResponse(String[] texts, String[] finishReasons, Usage usage) {
    StringBuilder out = new StringBuilder(responseHead.length() + 256);
    out.append(responseHead);
    for (int i = 0; i < texts.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"index\":").append(i);
      if (endpoint == Endpoint.CHAT) {
        out.append(",\"message\":{\"role\":\"assistant\",\"content\":\"").append(texts[i])
            .append("\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,"
                + "\"tool_calls\":[],\"reasoning_content\":null}");
        out.append(",\"logprobs\":null,\"finish_reason\":\"").append(finishReasons[i])
            .append("\",\"stop_reason\":null}");
      } else {
        out.append(",\"text\":\"").append(texts[i]).append("\",\"logprobs\":null,\"finish_reason\":\"")
            .append(finishReasons[i]).append("\",\"stop_reason\":null,\"prompt_logprobs\":null}");
      }
    }
    out.append("],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":");
    usage.appendFull(out);
    if (endpoint == Endpoint.CHAT) {
      out.append(",\"prompt_logprobs\":null");
    }
    out.append(",\"kv_transfer_params\":null}");
    return out.toString();
  }

  /** Token counts, in vLLM's field order. */
  record Usage(long promptTokens, long completionTokens) {

    void appendStreaming(StringBuilder out) {
      out.append("{\"prompt_tokens\":").append(promptTokens).append(",\"total_tokens\":")
          .append(promptTokens + completionTokens).append(",\"completion_tokens\":").append(completionTokens)
          .append('}');
    }

    void appendFull(StringBuilder out) {
      out.append("{\"prompt_tokens\":").append(promptTokens).append(",\"total_tokens\":")
          .append(promptTokens + completionTokens).append(",\"completion_tokens\":").append(completionTokens)
          .append(",\"prompt_tokens_details\":null}");
    }
  }
}
