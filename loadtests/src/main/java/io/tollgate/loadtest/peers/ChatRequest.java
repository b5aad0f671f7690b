package io.tollgate.loadtest.peers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * What the stub needs from a {@code POST /v1/chat/completions} body, read with Jackson's streaming parser (no
 * tree, no strings kept except the model name): {@code model}, {@code stream}, {@code max_completion_tokens} or
 * {@code max_tokens}, {@code stream_options.include_usage}, and the prompt length as whitespace-separated words of
 * the messages' text (the stub's "tokens").
 *
 * @param model        the requested model name (echoed in the answer, as vLLM echoes its served name)
 * @param stream       {@code "stream": true}
 * @param maxTokens    tokens to generate: {@code max_completion_tokens}, else {@code max_tokens}, else the default
 * @param includeUsage streams only: a usage chunk before {@code [DONE]}; vLLM's rule: true whenever
 *                     {@code stream_options} is present unless it says {@code "include_usage": false}
 * @param promptTokens words in the messages' text, at least 1
 */
record ChatRequest(String model, boolean stream, int maxTokens, boolean includeUsage, int promptTokens) {

  /** A body vLLM would refuse with 400; the message is vLLM-like. */
  static final class Invalid extends Exception {
    final String param;

    Invalid(String message, String param) {
      super(message, null, false, false);
      this.param = param;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** Most tokens one request may ask for: the stub's "context length". */
  static final int MAX_TOKENS_LIMIT = 1_000_000;

  static ChatRequest parse(byte[] body, int length, int defaultMaxTokens) throws Invalid {
    String model = null;
    boolean stream = false;
    int maxTokens = -1;
    int maxCompletionTokens = -1;
    boolean hasStreamOptions = false;
    Boolean includeUsage = null;
    int words = 0;
    try (JsonParser p = JSON.createParser(body, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Invalid("The request body must be a JSON object.", null);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw new Invalid("'model' must be a string.", "model");
            }
            model = p.getText();
          }
          case "stream" -> stream = value == JsonToken.VALUE_TRUE;
          case "max_tokens" -> maxTokens = tokens(p, value, "max_tokens");
          case "max_completion_tokens" -> maxCompletionTokens = tokens(p, value, "max_completion_tokens");
          case "stream_options" -> {
            if (value == JsonToken.START_OBJECT) {
              hasStreamOptions = true;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String option = p.currentName();
                JsonToken v = p.nextToken();
                if ("include_usage".equals(option) && (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE)) {
                  includeUsage = v == JsonToken.VALUE_TRUE;
                } else {
                  p.skipChildren();
                }
              }
            } else if (value != JsonToken.VALUE_NULL) {
              throw new Invalid("'stream_options' must be an object.", "stream_options");
            }
          }
          case "messages" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new Invalid("'messages' must be an array.", "messages");
            }
            words = messageWords(p);
          }
          default -> p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new Invalid("The request body is not valid JSON: " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new Invalid("The request body could not be read: " + e.getMessage(), null);
    }
    if (model == null) {
      throw new Invalid("'model' is required.", "model");
    }
    if (hasStreamOptions && !stream) {
      throw new Invalid("Stream options can only be defined when `stream=True`.", "stream_options");
    }
    int tokens = maxCompletionTokens >= 0 ? maxCompletionTokens : maxTokens >= 0 ? maxTokens : defaultMaxTokens;
    if (tokens < 1) {
      throw new Invalid("max_tokens must be at least 1, got " + tokens + ".", "max_tokens");
    }
    boolean usage = stream && hasStreamOptions && (includeUsage == null || includeUsage);
    return new ChatRequest(model, stream, tokens, usage, Math.max(1, words));
  }

  private static int tokens(JsonParser p, JsonToken value, String param) throws IOException, Invalid {
    if (value == JsonToken.VALUE_NULL) {
      return -1;
    }
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new Invalid("'" + param + "' must be an integer.", param);
    }
    long n = p.getLongValue();
    if (n > MAX_TOKENS_LIMIT) {
      throw new Invalid("'" + param + "' is " + n + "; this stub generates at most " + MAX_TOKENS_LIMIT + ".", param);
    }
    return (int) n;
  }

  /** Words of every message's {@code content} (a string, or parts with {@code text}); leaves the parser at the array's end. */
  private static int messageWords(JsonParser p) throws IOException {
    int words = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("content".equals(field) && value == JsonToken.VALUE_STRING) {
          words += words(p);
        } else if ("content".equals(field) && value == JsonToken.START_ARRAY) {
          while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t != JsonToken.START_OBJECT) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String part = p.currentName();
              JsonToken v = p.nextToken();
              if ("text".equals(part) && v == JsonToken.VALUE_STRING) {
                words += words(p);
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return words;
  }

  private static int words(JsonParser p) throws IOException {
    char[] text = p.getTextCharacters();
    int end = p.getTextOffset() + p.getTextLength();
    int words = 0;
    boolean inWord = false;
    for (int i = p.getTextOffset(); i < end; i++) {
      boolean space = Character.isWhitespace(text[i]);
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }
}
