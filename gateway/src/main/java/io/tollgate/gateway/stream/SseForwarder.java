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

  private final boolean stripUsageChunk;
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
    int eventStart = 0;
    int copiedUpTo = 0;
    Buffer out = null;
    for (int i = 0; i < length; i++) {
      if (data.getByte(i) != '\n') {
        continue;
      }
      int end = blankLineEnd(data, i, length);
      if (end < 0) {
        continue;
      }
      if (!classify(data, eventStart, end)) {
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

  /** Classifies one complete event; returns whether to forward it. */
  private boolean classify(Buffer data, int start, int end) {
    int payload = payloadStart(data, start, end);
    if (payload < 0) {
      return true; // a comment or a field we do not act on: pass it through
    }
    if (startsWith(data, payload, end, DONE)) {
      done = true;
      return true;
    }
    if (startsWith(data, payload, end, ERROR)) {
      errorEvent = true;
      error = parse(data, payload, end).getJsonObject("error");
      return true;
    }
    int choices = indexOf(data, payload, end, CHOICES);
    if (choices >= 0 && choicesEmpty(data, choices + CHOICES.length, end)) {
      JsonObject json = parse(data, payload, end);
      JsonObject usageObject = json == null ? null : json.getJsonObject("usage");
      if (usageObject != null) {
        usage = usageObject;
      }
      return !stripUsageChunk;
    }
    tokenChunks++;
    if (indexOf(data, payload, end, EMPTY_CONTENT) < 0 && indexOf(data, payload, end, EMPTY_TEXT) < 0) {
      textChunks++;
    }
    return true;
  }

  private static JsonObject parse(Buffer data, int from, int end) {
    try {
      return new JsonObject(data.getBuffer(from, end));
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** After `"choices"`: skips `:` and blanks, true for `[` then `]`. */
  private static boolean choicesEmpty(Buffer data, int i, int end) {
    i = skipBlanks(data, i, end);
    if (i >= end || data.getByte(i) != ':') {
      return false;
    }
    i = skipBlanks(data, i + 1, end);
    if (i >= end || data.getByte(i) != '[') {
      return false;
    }
    i = skipBlanks(data, i + 1, end);
    return i < end && data.getByte(i) == ']';
  }

  private static int skipBlanks(Buffer data, int i, int end) {
    while (i < end) {
      byte b = data.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        break;
      }
      i++;
    }
    return i;
  }

  /** Index of the value of the event's "data:" field, or -1. */
  private static int payloadStart(Buffer data, int start, int end) {
    if (!startsWith(data, start, end, DATA)) {
      return -1;
    }
    int i = start + DATA.length;
    if (i < end && data.getByte(i) == ' ') {
      i++;
    }
    return i;
  }

  /** An event ends at a blank line: "\n\n" or "\n\r\n" (after "\r\n"). Returns the end, or -1. */
  private static int blankLineEnd(Buffer data, int newline, int length) {
    if (newline + 1 < length && data.getByte(newline + 1) == '\n') {
      return newline + 2;
    }
    if (newline + 2 < length && data.getByte(newline + 1) == '\r' && data.getByte(newline + 2) == '\n') {
      return newline + 3;
    }
    return -1;
  }

  private static boolean startsWith(Buffer data, int at, int end, byte[] prefix) {
    if (end - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data.getByte(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(Buffer data, int from, int end, byte[] needle) {
    byte first = needle[0];
    for (int i = from; i <= end - needle.length; i++) {
      if (data.getByte(i) == first && startsWith(data, i, end, needle)) {
        return i;
      }
    }
    return -1;
  }
}
