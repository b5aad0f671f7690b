package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A ChatML-like template, so that chat prompts cost what they would on a real server:
 * each message is {@code <|im_start|> role words… <|im_end|>} (3 tokens of overhead) and the prompt ends with
 * the generation prompt {@code <|im_start|> assistant} (2 more tokens).
 *
 * <p>prompt_tokens = Σ over messages (words(content) + 3) + 2.
 */
final class ChatTemplate {

  static final int TOKENS_PER_MESSAGE = 3;
  static final int GENERATION_PROMPT_TOKENS = 2;

  private ChatTemplate() {
  }

  /** Tokenises validated messages; throws {@link ApiException} for a malformed message. */
  static PromptTokens tokens(JsonArray messages) {
    PromptTokens tokens = new PromptTokens();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = message(messages, i);
      tokens.add(Vocabulary.MESSAGE_START).add(role(message, i));
      for (String text : contentTexts(message, i)) {
        tokens.addWords(text);
      }
      tokens.add(Vocabulary.MESSAGE_END);
    }
    return tokens.add(Vocabulary.MESSAGE_START).add("assistant");
  }

  /** The template rendered as token strings, for {@code /tokenize}. */
  static List<String> render(JsonArray messages) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = message(messages, i);
      out.add(Vocabulary.MESSAGE_START);
      out.add(role(message, i));
      for (String text : contentTexts(message, i)) {
        out.addAll(Words.split(text));
      }
      out.add(Vocabulary.MESSAGE_END);
    }
    out.add(Vocabulary.MESSAGE_START);
    out.add("assistant");
    return out;
  }

  private static JsonObject message(JsonArray messages, int i) {
    if (!(messages.getValue(i) instanceof JsonObject message)) {
      throw ApiException.badRequest("messages[" + i + "] must be an object", "messages");
    }
    return message;
  }

  private static String role(JsonObject message, int i) {
    if (!(message.getValue("role") instanceof String role) || role.isBlank()) {
      throw ApiException.badRequest("messages[" + i + "].role: Field required", "messages");
    }
    return role;
  }

  /** Content may be a string, null (an assistant turn with tool calls) or a list of parts; text parts count. */
  private static List<String> contentTexts(JsonObject message, int i) {
    Object content = message.getValue("content");
    if (content == null) {
      return List.of();
    }
    if (content instanceof String text) {
      return List.of(text);
    }
    if (content instanceof JsonArray parts) {
      List<String> texts = new ArrayList<>();
      for (Object part : parts) {
        if (part instanceof JsonObject p && p.getValue("text") instanceof String text) {
          texts.add(text);
        } else if (part instanceof String text) {
          texts.add(text);
        }
      }
      return texts;
    }
    throw ApiException.badRequest("messages[" + i + "].content must be a string or a list of parts", "messages");
  }
}
