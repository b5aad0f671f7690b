package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code POST /v1/responses} request.
 *
 * @param id                the response id: the body's vLLM extra {@code request_id}, else {@code resp_<hex>}
 * @param generation        what the engine generates
 * @param conversation      the chat messages the prompt was built from, instructions excluded: what a later
 *                          {@code previous_response_id} continues from (with this response's output appended)
 * @param maxOutputTokens   the effective limit vLLM echoes: the request's, capped by the context room
 * @param store             kept in the simulator's memory (needs {@link SimulatorConfig#responsesStore()})
 * @param background        runs detached from the HTTP exchange; answered at once with status {@code queued}
 */
record ResponsesRequest(String id, GenerationRequest generation, JsonArray conversation, String instructions,
    int maxOutputTokens, double temperature, double topP, boolean store, boolean background,
    String previousResponseId, Object metadata, Object user, String serviceTier) {

  /** The response object in a given state, with every field vLLM's {@code model_dump()} writes. */
  JsonObject object(long createdAt, String status, JsonArray output, JsonObject usage,
      JsonObject incompleteDetails) {
    return new JsonObject()
        .put("id", id)
        .put("created_at", createdAt)
        .put("incomplete_details", incompleteDetails)
        .put("instructions", instructions)
        .put("metadata", metadata)
        .put("model", generation.model())
        .put("object", "response")
        .put("output", output)
        .put("parallel_tool_calls", true)
        .put("temperature", temperature)
        .put("tool_choice", "auto")
        .put("tools", new JsonArray())
        .put("top_p", topP)
        .put("background", background)
        .put("max_output_tokens", maxOutputTokens)
        .putNull("max_tool_calls")
        .put("previous_response_id", previousResponseId)
        .putNull("prompt")
        .putNull("reasoning")
        .put("service_tier", serviceTier)
        .put("status", status)
        .putNull("text")
        .putNull("top_logprobs")
        .put("truncation", "disabled")
        .put("usage", usage)
        .put("user", user)
        .putNull("input_messages")
        .putNull("output_messages");
  }

  /** A finished message item (non-stream ids carry {@code msg_}; the stream's are bare hex, as vLLM's). */
  static JsonObject messageItem(String itemId, String text, String status) {
    return new JsonObject()
        .put("id", itemId)
        .put("content", new JsonArray().add(outputText(text, null)))
        .put("role", "assistant")
        .put("status", status)
        .put("type", "message");
  }

  static JsonObject outputText(String text, JsonArray logprobs) {
    return new JsonObject().put("annotations", new JsonArray()).put("text", text).put("type", "output_text")
        .put("logprobs", logprobs);
  }

  /**
   * vLLM's usage: output counts every generated token (reasoning included; there is none here), cached
   * tokens are the prefix-cache hits, and the per-turn lists have one turn (no built-in tools run).
   */
  static JsonObject usage(long input, long cached, long output) {
    return new JsonObject()
        .put("input_tokens", input)
        .put("input_tokens_details", new JsonObject().put("cached_tokens", cached)
            .put("input_tokens_per_turn", new JsonArray().add(input))
            .put("cached_tokens_per_turn", new JsonArray().add(cached)))
        .put("output_tokens", output)
        .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0).put("tool_output_tokens", 0)
            .put("output_tokens_per_turn", new JsonArray().add(output))
            .put("tool_output_tokens_per_turn", new JsonArray().add(0)))
        .put("total_tokens", input + output);
  }

  /** {@code completed}, or {@code incomplete} when the output hit its token limit. */
  static String finalStatus(String finishReason) {
    return "length".equals(finishReason) ? "incomplete" : "completed";
  }

  static JsonObject incompleteDetails(String finishReason) {
    return "length".equals(finishReason) ? new JsonObject().put("reason", "max_output_tokens") : null;
  }
}
