package io.tollgate.gateway.request;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The characters of prompt text in a value, read from the parser positioned on it: a string; a
 * list of strings, of {@code {"type":"text","text":…}} parts (or items with {@code content}) or of token ids (pre-tokenised
 * prompts, one token each); anything else counts nothing. Leaves the parser on the value's last token.
 */
final class TextLength {

  private static final int CHARS_PER_TOKEN_ID = 3;

  private TextLength() {
  }

  static int of(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      return parser.getTextLength();
    }
    if (token != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return token == JsonToken.VALUE_NULL ? -1 : 0;
    }
    int chars = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      switch (parser.currentToken()) {
        case START_OBJECT -> chars += textField(parser);
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> chars += CHARS_PER_TOKEN_ID;
        default -> chars += Math.max(0, of(parser));
      }
    }
    return chars;
  }

  /**
   * A part object's {@code text}, and the {@code content} of an item that nests its parts (the
   * Responses API's input messages, Anthropic's tool results).
   */
  private static int textField(JsonParser parser) throws IOException {
    int chars = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if ("text".equals(name) || "content".equals(name)) {
        chars += Math.max(0, of(parser));
      } else {
        parser.skipChildren();
      }
    }
    return chars;
  }
}
