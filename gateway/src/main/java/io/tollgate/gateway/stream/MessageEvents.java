package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The Anthropic Messages stream: {@code message_start} (with the input tokens), content blocks
 * whose {@code content_block_delta}s carry the tokens, {@code message_delta} (stop reason and the
 * cumulative output tokens), {@code message_stop}; no {@code [DONE]}. A mid-stream failure is an
 * {@code event: error}. Everything is forwarded as it came, {@code event:} lines included
 * (Anthropic's SDKs ignore data without them).
 */
final class MessageEvents extends StreamEvents {

  private static final byte[] START = ascii("message_start");
  private static final byte[] BLOCK_DELTA = ascii("content_block_delta");
  private static final byte[] DELTA = ascii("message_delta");
  private static final byte[] STOP = ascii("message_stop");
  private static final byte[] ERROR = ascii("error");

  @Override
  boolean classify(byte[] bytes, Buffer data, int start, int end) {
    int type = typeStart(bytes, start, end);
    if (type < 0) {
      return true;
    }
    if (isType(bytes, type, end, BLOCK_DELTA)) {
      tokenChunks++;
      textChunks++;
    } else if (isType(bytes, type, end, START)) {
      JsonObject message = dataOf(bytes, data, start, end).getJsonObject("message");
      merge(message == null ? null : message.getJsonObject("usage"));
    } else if (isType(bytes, type, end, DELTA)) {
      merge(dataOf(bytes, data, start, end).getJsonObject("usage"));
    } else if (isType(bytes, type, end, STOP)) {
      ended = true;
    } else if (isType(bytes, type, end, ERROR)) {
      errorEvent = true;
      JsonObject json = dataOf(bytes, data, start, end);
      error = json.getValue("error") instanceof JsonObject nested ? nested : json;
    }
    return true;
  }

  /** Later usage figures replace earlier ones; fields only the first had are kept. */
  private void merge(JsonObject update) {
    if (update == null) {
      return;
    }
    usage = usage == null ? update.copy() : usage.mergeIn(update);
  }

}
