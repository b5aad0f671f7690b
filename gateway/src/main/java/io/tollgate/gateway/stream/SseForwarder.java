package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * Splits an upstream SSE byte stream into events without decoding them, and decides what reaches
 * the client. Events are forwarded as the same bytes (slices of the upstream buffers, no JSON
 * re-serialisation); only the final usage chunk is parsed, once, and dropped when the client did
 * not ask for it. An event split across network buffers is held back until its end arrives, since
 * half an event is of no use to the client.
 *
 * <p>Not thread-safe: one instance per stream, used on that stream's event loop.
 */
public final class SseForwarder {

  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERROR = "{\"error\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHOICES = "\"choices\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_CONTENT = "\"content\":\"\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_TEXT = "\"text\":\"\"".getBytes(StandardCharsets.US_ASCII);
  /** Largest scan array a stream keeps (a few events' worth). */
  private static final int SCRATCH_MAX = 4096;

  private final boolean stripUsageChunk;
  /**
   * The bytes being scanned, copied once per upstream buffer: scanning a byte[] is several times
   * cheaper than Buffer.getByte per byte (bounds and reference-count checks on each call), and this
   * scan was the gateway's largest Java CPU cost per streamed token.
   */
  private byte[] scratch;
  private Buffer pending;
  private int tokenChunks;
  private int textChunks;
  private boolean done;
  private boolean errorEvent;
  private JsonObject usage;
  private JsonObject error;

  public SseForwarder(boolean stripUsageChunk) {
    this.stripUsageChunk = stripUsageChunk;
  }

  /**
   * Consumes the next upstream buffer.
   *
   * @return the bytes to write to the client now (possibly empty)
   */
  public Buffer process(Buffer chunk) {
    Buffer data = pending == null ? chunk : pending.appendBuffer(chunk);
    pending = null;
    int length = data.length();
    byte[] bytes = scanArray(length);
    data.getBytes(0, length, bytes, 0);
    int eventStart = 0;
    int copiedUpTo = 0;
    Buffer out = null;
    for (int i = ByteScan.indexOf(bytes, 0, length, (byte) '\n'); i >= 0;
         i = ByteScan.indexOf(bytes, i + 1, length, (byte) '\n')) {
      int end = blankLineEnd(bytes, i, length);
      if (end < 0) {
        continue;
      }
      if (!classify(bytes, data, eventStart, end)) {
        // Drop this event: copy what came before it, skip it.
        if (out == null) {
          out = Buffer.buffer(length);
        }
        out.appendBuffer(data, copiedUpTo, eventStart - copiedUpTo);
        copiedUpTo = end;
      }
      eventStart = end;
      i = end - 1;
    }
    if (eventStart < length) {
      pending = data.getBuffer(eventStart, length);
    }
    if (out == null) {
      return eventStart == length ? data : data.slice(0, eventStart);
    }
    out.appendBuffer(data, copiedUpTo, eventStart - copiedUpTo);
    return out;
  }

  /**
   * The array to scan {@code length} bytes in: the stream's own up to {@link #SCRATCH_MAX}, a
   * throw-away one above (a burst after a paused client), so that thousands of streams do not each
   * keep a large array.
   */
  private byte[] scanArray(int length) {
    if (length > SCRATCH_MAX) {
      return new byte[length];
    }
    if (scratch == null || scratch.length < length) {
      scratch = new byte[Math.max(length, 512)];
    }
    return scratch;
  }

  /** Bytes of an incomplete event still held back (bounded by the size of one event). */
  public int pendingBytes() {
    return pending == null ? 0 : pending.length();
  }

  /**
   * Events that carried choices. The first one marks the time to first token (vLLM sends the chat
   * role chunk together with the first token, and its benchmark times TTFT from it).
   */
  public int tokenChunks() {
    return tokenChunks;
  }

  /**
   * Events that carried text: the tokens the client was sent, for accounting when the stream ended
   * without a usage chunk. The chat stream's role-only opening chunk ({@code "content":""}) is not
   * a token.
   */
  public int textChunks() {
    return textChunks;
  }

  public boolean sawDone() {
    return done;
  }

  public boolean sawErrorEvent() {
    return errorEvent;
  }

  /** The upstream's mid-stream error object, if it sent one. */
  public JsonObject error() {
    return error;
  }

  /** The final usage object ({@code prompt_tokens}, {@code completion_tokens}, …), if seen. */
  public JsonObject usage() {
    return usage;
  }

  /** Classifies one complete event (scanned in {@code bytes}, parsed from {@code data}); returns whether to forward it. */
  private boolean classify(byte[] bytes, Buffer data, int start, int end) {
    int payload = payloadStart(bytes, start, end);
    if (payload < 0) {
      return true; // a comment or a field we do not act on: pass it through
    }
    if (startsWith(bytes, payload, end, DONE)) {
      done = true;
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

  private static JsonObject parse(Buffer data, int from, int end) {
    try {
      return new JsonObject(data.getBuffer(from, end));
    } catch (RuntimeException e) {
      return new JsonObject();
    }
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

  /** Index of the value of the event's "data:" field, or -1. */
  private static int payloadStart(byte[] data, int start, int end) {
    if (!startsWith(data, start, end, DATA)) {
      return -1;
    }
    int i = start + DATA.length;
    if (i < end && data[i] == ' ') {
      i++;
    }
    return i;
  }

  /** An event ends at a blank line: "\n\n" or "\n\r\n" (after "\r\n"). Returns the end, or -1. */
  private static int blankLineEnd(byte[] data, int newline, int length) {
    if (newline + 1 < length && data[newline + 1] == '\n') {
      return newline + 2;
    }
    if (newline + 2 < length && data[newline + 1] == '\r' && data[newline + 2] == '\n') {
      return newline + 3;
    }
    return -1;
  }

  private static boolean startsWith(byte[] data, int at, int end, byte[] prefix) {
    if (end - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
