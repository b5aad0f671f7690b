package io.tollgate.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;

/**
 * Splits an upstream SSE byte stream into events without decoding them, and decides what reaches
 * the client. Events are forwarded as the same bytes (slices of the upstream buffers, no JSON
 * re-serialisation); what each event means (a token, the usage, the end, an error) is read by the
 * stream's {@link StreamEvents}, which parses only the few events that carry usage. An event split
 * across network buffers is held back until its end arrives, since half an event is of no use to
 * the client.
 *
 * <p>Not thread-safe: one instance per stream, used on that stream's event loop.
 */
public final class SseForwarder {

  /** Largest scan array a stream keeps (a few events' worth). */
  private static final int SCRATCH_MAX = 4096;

  private final StreamEvents events;
  /**
   * The bytes being scanned when the buffer's own array cannot be (see {@link #bytesOf}): scanning a
   * byte[] is several times cheaper than Buffer.getByte per byte (bounds and reference-count checks
   * on each call), and this scan was the gateway's largest Java CPU cost per streamed token.
   */
  private byte[] scratch;
  private Buffer pending;

  public SseForwarder(StreamEvents events) {
    this.events = events;
  }

  /** A chat or completions stream, its usage chunk dropped when the client did not ask for it. */
  public SseForwarder(boolean stripUsageChunk) {
    this(new ChatChunkEvents(stripUsageChunk));
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
    byte[] bytes = bytesOf(data, length);
    int eventStart = 0;
    int copiedUpTo = 0;
    Buffer out = null;
    for (int i = ByteScan.indexOf(bytes, 0, length, (byte) '\n'); i >= 0;
         i = ByteScan.indexOf(bytes, i + 1, length, (byte) '\n')) {
      int end = blankLineEnd(bytes, i, length);
      if (end < 0) {
        continue;
      }
      if (!events.classify(bytes, data, eventStart, end)) {
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
   * The data's bytes as an array whose index 0 is the data's first byte: the buffer's own where it
   * is one (the upstream client's heap copies, and what was held back and appended to), else a copy.
   * The copy of every buffer into the scan array was 0.3 % of a stream's event-loop samples.
   */
  private byte[] bytesOf(Buffer data, int length) {
    ByteBuf view = ((BufferInternal) data).getByteBuf(); // a slice: index 0 is the data's first byte
    if (view.hasArray() && view.arrayOffset() == 0) {
      return view.array();
    }
    byte[] bytes = scanArray(length);
    data.getBytes(0, length, bytes, 0);
    return bytes;
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

  /** What the stream's events said so far. */
  public StreamEvents events() {
    return events;
  }

  /** Bytes of an incomplete event still held back (bounded by the size of one event). */
  public int pendingBytes() {
    return pending == null ? 0 : pending.length();
  }

  /** Events that carried generated tokens; the first marks the time to first token. */
  public int tokenChunks() {
    return events.tokenChunks();
  }

  /** Events that carried text: the completion-token count when the stream ended without usage. */
  public int textChunks() {
    return events.textChunks();
  }

  /** Whether the stream's last event arrived ({@code [DONE]}, {@code response.completed}, {@code message_stop}). */
  public boolean sawDone() {
    return events.ended();
  }

  public boolean sawErrorEvent() {
    return events.errorEvent();
  }

  /** The upstream's mid-stream error object, if it sent one. */
  public JsonObject error() {
    return events.error();
  }

  /** The usage object as the backend sent it, if seen. */
  public JsonObject usage() {
    return events.usage();
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
}
