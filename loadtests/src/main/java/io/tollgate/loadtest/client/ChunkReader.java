package io.tollgate.loadtest.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Reads an SSE event's data as a {@link Chunk} with Jackson's streaming parser: no tree, no maps. At tens of
 * thousands of chunks per second the harness must stay cheaper than what it measures.
 */
public final class ChunkReader {

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private ChunkReader() {
  }

  /** @throws IOException when the data is neither {@code [DONE]} nor a JSON object */
  public static Chunk read(byte[] data, int length) throws IOException {
    if (isDone(data, length)) {
      return Chunk.DONE;
    }
    boolean hasChoices = false;
    boolean hasText = false;
    int completionTokens = -1;
    int promptTokens = -1;
    String error = null;
    boolean flatError = false; // vLLM's old shape: {"object":"error","message":…}
    String flatMessage = null;
    try (JsonParser p = JSON.createParser(data, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("event data is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "choices" -> {
            if (value == JsonToken.START_ARRAY) {
              JsonToken first = p.nextToken();
              if (first != JsonToken.END_ARRAY) {
                hasChoices = true;
                if (first == JsonToken.START_OBJECT) {
                  hasText = firstChoiceHasText(p);
                } else {
                  p.skipChildren();
                }
                skipRestOfArray(p);
              }
            }
          }
          case "usage" -> {
            if (value == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("completion_tokens".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                  completionTokens = p.getIntValue();
                } else if ("prompt_tokens".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                  promptTokens = p.getIntValue();
                } else {
                  p.skipChildren();
                }
              }
            }
          }
          case "error" -> error = errorMessage(p, value);
          case "object" -> flatError = value == JsonToken.VALUE_STRING && "error".equals(p.getText());
          case "message" -> {
            if (value == JsonToken.VALUE_STRING) {
              flatMessage = p.getText();
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    if (error == null && flatError) {
      error = flatMessage == null ? "error" : flatMessage;
    }
    return new Chunk(false, hasChoices, hasText, completionTokens, promptTokens, error);
  }

  static boolean isDone(byte[] data, int length) {
    int start = 0;
    int end = length;
    while (start < end && data[start] == ' ') {
      start++;
    }
    while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\n')) {
      end--;
    }
    if (end - start != DONE.length) {
      return false;
    }
    for (int i = 0; i < DONE.length; i++) {
      if (data[start + i] != DONE[i]) {
        return false;
      }
    }
    return true;
  }

  /** Inside the first choice object: chat's {@code delta.content} or completions' {@code text}. */
  private static boolean firstChoiceHasText(JsonParser p) throws IOException {
    boolean text = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("text".equals(name) && v == JsonToken.VALUE_STRING) {
        text |= !p.getText().isEmpty();
      } else if ("delta".equals(name) && v == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String deltaField = p.currentName();
          JsonToken dv = p.nextToken();
          if (("content".equals(deltaField) || "reasoning_content".equals(deltaField))
              && dv == JsonToken.VALUE_STRING) {
            text |= !p.getText().isEmpty();
          } else if ("tool_calls".equals(deltaField) && dv == JsonToken.START_ARRAY) {
            text = true;
            p.skipChildren();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return text;
  }

  private static void skipRestOfArray(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      p.skipChildren();
    }
  }

  private static String errorMessage(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return "error";
    }
    String message = "error";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("message".equals(name) && v == JsonToken.VALUE_STRING) {
        message = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return message;
  }
}
