package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The chat and completions stream: {@code data:} chunks with {@code choices}, a usage chunk with
 * empty choices near the end (dropped when the gateway asked for it and the client did not), and
 * {@code data: [DONE]}. A mid-stream error is a {@code data: {"error":…}} chunk.
 */
final class ChatChunkEvents extends StreamEvents {

  private static final byte[] DONE = ascii("[DONE]");
  private static final byte[] ERROR = ascii("{\"error\"");
  private static final byte[] CHOICES = ascii("\"choices\"");
  private static final byte[] EMPTY_CONTENT = ascii("\"content\":\"\"");
  private static final byte[] EMPTY_TEXT = ascii("\"text\":\"\"");

  private final boolean stripUsageChunk;

  ChatChunkEvents(boolean stripUsageChunk) {
    this.stripUsageChunk = stripUsageChunk;
  }

  @Override
  boolean classify(byte[] bytes, Buffer data, int start, int end) {
    int payload = payloadStart(bytes, start, end);
    if (payload < 0) {
      return true; // a comment or a field we do not act on: pass it through
    }
    if (startsWith(bytes, payload, end, DONE)) {
      ended = true;
      return true;
    }
    if (startsWith(bytes, payload, end, ERROR)) {
      errorEvent = true;
      error = parse(data, payload, end).getJsonObject("error");
      return true;
    }
    // The choices array is found from its '[' (rare in an event, so the word-at-a-time search
    // skips most of it): empty, it is the usage chunk. A scan at every quote was 16 % of a
    // stream's event-loop samples, for what only the first token event needs (below).
    int choices = choicesArray(bytes, payload, end);
    if (choices >= 0 && arrayEmpty(bytes, choices, end)) {
      JsonObject json = parse(data, payload, end);
      JsonObject usageObject = json == null ? null : json.getJsonObject("usage");
      if (usageObject != null) {
        usage = usageObject;
      }
      return !stripUsageChunk;
    }
    // The chat stream's opening chunk carries the role and no text ("content":""): not a token.
    // Later events are counted as they come; the count is only the fallback when no usage arrives.
    if (tokenChunks > 0 || !hasEmptyText(bytes, payload, end)) {
      textChunks++;
    }
    tokenChunks++;
    return true;
  }

  /** The index of the '[' that opens the payload's {@code "choices"} array, or -1. */
  private static int choicesArray(byte[] bytes, int from, int end) {
    for (int i = ByteScan.indexOf(bytes, from, end, (byte) '['); i >= 0; i = ByteScan.indexOf(bytes, i + 1, end, (byte) '[')) {
      int colon = skipBlanksBack(bytes, i - 1, from);
      if (colon >= from && bytes[colon] == ':') {
        int quote = skipBlanksBack(bytes, colon - 1, from);
        if (quote - CHOICES.length + 1 >= from && startsWith(bytes, quote - CHOICES.length + 1, end, CHOICES)) {
          return i;
        }
      }
    }
    return -1;
  }

  private static int skipBlanksBack(byte[] data, int i, int from) {
    while (i >= from && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
      i--;
    }
    return i;
  }

  private static boolean hasEmptyText(byte[] bytes, int from, int end) {
    for (int i = ByteScan.indexOf(bytes, from, end - 1, (byte) '"'); i >= 0;
         i = ByteScan.indexOf(bytes, i + 1, end - 1, (byte) '"')) {
      if ((bytes[i + 1] == 'c' && startsWith(bytes, i, end, EMPTY_CONTENT))
          || (bytes[i + 1] == 't' && startsWith(bytes, i, end, EMPTY_TEXT))) {
        return true;
      }
    }
    return false;
  }


  /** Whether the array opened at {@code open} closes with nothing but blanks in it. */
  private static boolean arrayEmpty(byte[] data, int open, int end) {
    int i = skipBlanks(data, open + 1, end);
    return i < end && data[i] == ']';
  }

  private static int skipBlanks(byte[] data, int i, int end) {
    while (i < end) {
      byte b = data[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        break;
      }
      i++;
    }
    return i;
  }
}
