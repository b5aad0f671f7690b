package io.tollgate.gateway.stream;

import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * What one API's stream events mean to the gateway: which carry tokens, which the usage, which end
 * the stream and which report an error. One subclass per framing ({@link Endpoint.Stream}); each
 * reads events as bytes and parses only the few it must.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public abstract class StreamEvents {

  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);

  protected int tokenChunks;
  protected int textChunks;
  protected boolean ended;
  protected boolean errorEvent;
  protected JsonObject usage;
  protected JsonObject error;

  /** The reader of an endpoint's stream. */
  public static StreamEvents of(Endpoint endpoint, boolean stripUsageChunk) {
    return switch (endpoint.streaming()) {
      case RESPONSE_EVENTS -> new ResponseEvents();
      case MESSAGE_EVENTS -> new MessageEvents();
      default -> new ChatChunkEvents(stripUsageChunk);
    };
  }

  /**
   * Reads one complete event, {@code [start, end)} of {@code bytes} (the same bytes as {@code data},
   * which is what to parse from); returns whether to forward it.
   */
  abstract boolean classify(byte[] bytes, Buffer data, int start, int end);

  public int tokenChunks() {
    return tokenChunks;
  }

  public int textChunks() {
    return textChunks;
  }

  /** Whether the stream's last event arrived. */
  public boolean ended() {
    return ended;
  }

  public boolean errorEvent() {
    return errorEvent;
  }

  /** The backend's mid-stream error object, or null. */
  public JsonObject error() {
    return error;
  }

  /** The response the stream opened with, for APIs whose failure event restates it (Responses); else null. */
  public JsonObject openingResponse() {
    return null;
  }

  /** The number the next event would carry, for APIs that number their events (Responses); else 0. */
  public int nextSequenceNumber() {
    return 0;
  }

  /** The usage object as the backend sent it (its API's field names), or null. */
  public JsonObject usage() {
    return usage;
  }

  /** Index of the value of the event's "data:" line (its first line, or the line after an "event:" line), or -1. */
  static int payloadStart(byte[] data, int start, int end) {
    int line = start;
    if (startsWith(data, line, end, EVENT)) {
      int newline = ByteScan.indexOf(data, line, end, (byte) '\n');
      if (newline < 0) {
        return -1;
      }
      line = newline + 1;
    }
    if (!startsWith(data, line, end, DATA)) {
      return -1;
    }
    int i = line + DATA.length;
    if (i < end && data[i] == ' ') {
      i++;
    }
    return i;
  }

  /**
   * The start of the event's type name (after {@code "event:"} and a space), or -1 when the event
   * has no {@code event:} line.
   */
  static int typeStart(byte[] data, int start, int end) {
    if (!startsWith(data, start, end, EVENT)) {
      return -1;
    }
    int i = start + EVENT.length;
    return i < end && data[i] == ' ' ? i + 1 : i;
  }

  /** Whether the event's type (at {@code at}) is exactly {@code type}. */
  static boolean isType(byte[] data, int at, int end, byte[] type) {
    if (!startsWith(data, at, end, type)) {
      return false;
    }
    int after = at + type.length;
    return after < end && (data[after] == '\n' || data[after] == '\r');
  }

  /** The event's data parsed (an empty object when it has none or it is not JSON). */
  static JsonObject dataOf(byte[] bytes, Buffer data, int start, int end) {
    int at = payloadStart(bytes, start, end);
    return at < 0 ? new JsonObject() : parse(data, at, end);
  }

  static JsonObject parse(Buffer data, int from, int end) {
    try {
      return new JsonObject(data.getBuffer(from, end));
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  static boolean startsWith(byte[] data, int at, int end, byte[] prefix) {
    if (at < 0 || end - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
