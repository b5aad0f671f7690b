package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Turns an Anthropic Messages body into the chat prompt vLLM renders for it: {@code system} first, then each
 * message's text, tool_use input, tool_result content and thinking (images count nothing here). Field
 * validation (missing {@code model}/{@code messages}/{@code max_tokens}) throws {@link FieldError}: vLLM's
 * global validation handler answers those in the OpenAI shape; everything else is answered in Anthropic's.
 */
final class MessagesRequestParser {

  /** A body-validation failure: vLLM answers these with its OpenAI-shaped 400, even on /v1/messages. */
  static final class FieldError extends RuntimeException {
    final transient ApiError error;

    FieldError(String message, String param) {
      super(message, null, false, false);
      this.error = new ApiError(400, message, param);
    }
  }

  private MessagesRequestParser() {
  }

  /** The chat messages of a Messages (or count_tokens) body. */
  static JsonArray chatMessages(JsonObject body) {
    if (!(body.getValue("messages") instanceof JsonArray messages)) {
      throw new FieldError("messages: Field required", "messages");
    }
    JsonArray out = new JsonArray();
    Object system = body.getValue("system");
    if (system != null) {
      out.add(new JsonObject().put("role", "system").put("content", blocksText(system, "system")));
    }
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.getValue(i) instanceof JsonObject message)
          || !(message.getValue("role") instanceof String role)) {
        throw new FieldError("messages[" + i + "]: role and content required", "messages");
      }
      if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
        throw new FieldError("messages[" + i + "].role: Input should be 'user', 'assistant' or 'system'",
            "messages");
      }
      out.add(new JsonObject().put("role", role).put("content", blocksText(message.getValue("content"),
          "messages[" + i + "].content")));
    }
    return out;
  }

  /** A string, or content blocks flattened to their text. */
  private static String blocksText(Object content, String where) {
    if (content instanceof String text) {
      return text;
    }
    if (!(content instanceof JsonArray blocks)) {
      throw new FieldError(where + ": Input should be a valid string or list of content blocks", where);
    }
    StringBuilder text = new StringBuilder();
    for (Object b : blocks) {
      if (!(b instanceof JsonObject block)) {
        throw new FieldError(where + ": each content block must be an object", where);
      }
      String type = block.getString("type", "");
      switch (type) {
        case "text" -> text.append(' ').append(block.getString("text", ""));
        case "thinking" -> text.append(' ').append(block.getString("thinking", ""));
        case "tool_use" -> text.append(' ').append(String.valueOf(block.getValue("input")));
        case "tool_result" -> {
          Object result = block.getValue("content");
          if (result != null) {
            text.append(' ').append(blocksText(result, where));
          }
        }
        case "image", "redacted_thinking", "tool_reference" -> {
          // no text tokens in this simulator
        }
        default -> throw new ApiException(ApiError.badRequest("Unsupported content block type: " + type));
      }
    }
    return text.toString();
  }
}
