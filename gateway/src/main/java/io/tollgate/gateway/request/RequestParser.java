package io.tollgate.gateway.request;

import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Stage 1: JSON validated, and the few fields the gateway acts on read once. Everything else in
 * the body is the backend's business and is passed through untouched.
 */
public final class RequestParser {

  /** Rough characters per token for the TPM estimate; errs on the side of reserving more. */
  private static final int CHARS_PER_TOKEN = 3;
  private static final int TOKENS_PER_MESSAGE = 4;
  /**
   * Longer names are refused before any lookup: no served model has one (Hugging Face ids are far
   * shorter), and the name is echoed in errors and stored in usage events and logs.
   */
  static final int MAX_MODEL_NAME = 256;

  private RequestParser() {
  }

  public static Parsed parse(Endpoint endpoint, Buffer raw) {
    JsonObject body;
    try {
      Object decoded = raw.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(raw);
      if (!(decoded instanceof JsonObject object)) {
        return Parsed.error(Refusal.invalidJson("the body must be a JSON object"));
      }
      body = object;
    } catch (DecodeException e) {
      return Parsed.error(Refusal.invalidJson(shortReason(e)));
    }

    Object modelValue = body.getValue("model");
    if (modelValue == null) {
      return Parsed.error(Refusal.missingField("model"));
    }
    if (!(modelValue instanceof String model) || model.isBlank()) {
      return Parsed.error(Refusal.invalidType("model", "'model' must be a non-empty string."));
    }
    if (model.length() > MAX_MODEL_NAME) {
      return Parsed.error(Refusal.invalidValue("model", "'model' is longer than " + MAX_MODEL_NAME + " characters."));
    }

    int promptChars;
    switch (endpoint) {
      case CHAT_COMPLETIONS -> {
        Object messages = body.getValue("messages");
        if (messages == null) {
          return Parsed.error(Refusal.missingField("messages"));
        }
        if (!(messages instanceof JsonArray list) || list.isEmpty()) {
          return Parsed.error(Refusal.invalidType("messages", "'messages' must be a non-empty array."));
        }
        promptChars = chatChars(list);
      }
      case COMPLETIONS -> {
        Object prompt = body.getValue("prompt");
        if (prompt == null) {
          return Parsed.error(Refusal.missingField("prompt"));
        }
        promptChars = textChars(prompt);
      }
      case EMBEDDINGS -> {
        Object input = body.getValue("input");
        if (input == null) {
          return Parsed.error(Refusal.missingField("input"));
        }
        promptChars = textChars(input);
      }
      default -> throw new IllegalStateException(endpoint.toString());
    }

    boolean stream = false;
    boolean clientWantsUsage = false;
    int maxTokens = -1;
    if (endpoint.generates()) {
      Object streamValue = body.getValue("stream");
      if (streamValue != null && !(streamValue instanceof Boolean)) {
        return Parsed.error(Refusal.invalidType("stream", "'stream' must be a boolean."));
      }
      stream = Boolean.TRUE.equals(streamValue);
      Object options = body.getValue("stream_options");
      if (options != null) {
        if (!(options instanceof JsonObject streamOptions)) {
          return Parsed.error(Refusal.invalidType("stream_options", "'stream_options' must be an object."));
        }
        if (!stream) {
          return Parsed.error(Refusal.invalidValue("stream_options", 
              "'stream_options' is only allowed when 'stream' is true."));
        }
        // An explicit include_usage wins; absent, vLLM's default applies (true whenever
        // stream_options is present), since the gateway stands in for vLLM.
        clientWantsUsage = streamOptions.getValue("include_usage") == null
            || Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
      }
      Object max = body.getValue("max_completion_tokens", body.getValue("max_tokens"));
      if (max != null) {
        if (!(max instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
            || number.longValue() < 1 || number.longValue() > Integer.MAX_VALUE) {
          String param = body.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
          return Parsed.error(Refusal.invalidValue(param, "'" + param + "' must be a positive integer."));
        }
        maxTokens = number.intValue();
      }
    }
    int estimate = Math.max(1, promptChars / CHARS_PER_TOKEN);
    return new Parsed(new CompletionRequest(endpoint, body, raw, model, stream, clientWantsUsage, maxTokens, estimate), null);
  }

  private static int chatChars(JsonArray messages) {
    int chars = 0;
    for (Object message : messages) {
      chars += TOKENS_PER_MESSAGE * CHARS_PER_TOKEN;
      if (message instanceof JsonObject object) {
        chars += textChars(object.getValue("content"));
      }
    }
    return chars;
  }

  private static int textChars(Object value) {
    if (value instanceof String text) {
      return text.length();
    }
    if (value instanceof JsonArray array) {
      int chars = 0;
      for (Object part : array) {
        if (part instanceof JsonObject object) {
          chars += textChars(object.getValue("text"));
        } else if (part instanceof Number) {
          chars += CHARS_PER_TOKEN; // a pre-tokenised prompt: one token id each
        } else {
          chars += textChars(part);
        }
      }
      return chars;
    }
    return 0;
  }

  private static String shortReason(DecodeException e) {
    String message = e.getMessage() == null ? "invalid JSON" : e.getMessage();
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }

  /** Exactly one of request and error is set. */
  public record Parsed(CompletionRequest request, Refusal error) {
    static Parsed error(Refusal error) {
      return new Parsed(null, error);
    }
  }
}
