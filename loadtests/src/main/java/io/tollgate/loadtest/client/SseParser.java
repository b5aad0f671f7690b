package io.tollgate.loadtest.client;

import java.util.Arrays;

/**
 * Incremental Server-Sent Events parser over raw bytes. Network buffers split events (and lines, and UTF-8
 * characters) anywhere, so bytes are kept until an event is complete; nothing is decoded per buffer.
 * Follows the SSE rules a client needs: lines end in CRLF, LF or CR; {@code data:} lines (one optional
 * space after the colon) join with LF; a blank line dispatches; comments ({@code :…}) and other fields are
 * skipped.
 */
public final class SseParser {

  /** Receives the data of each complete event; the array is reused after the call returns. */
  @FunctionalInterface
  public interface EventSink {
    void onEvent(byte[] data, int length);
  }

  private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private final EventSink sink;
  private byte[] line = new byte[256];
  private int lineLength;
  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  private boolean skipNextLineFeed;

  public SseParser(EventSink sink) {
    this.sink = sink;
  }

  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  public void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (skipNextLineFeed) {
        skipNextLineFeed = false;
        if (b == '\n') {
          continue; // second half of a CRLF that arrived in another buffer
        }
      }
      if (b == '\n') {
        endOfLine();
      } else if (b == '\r') {
        endOfLine();
        skipNextLineFeed = true;
      } else {
        appendToLine(b);
      }
    }
  }

  private void endOfLine() {
    if (lineLength == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      lineLength = 0; // comment, e.g. a keep-alive
      return;
    }
    if (startsWithData()) {
      int valueStart = 5;
      if (lineLength > 5 && line[5] == ' ') {
        valueStart = 6;
      }
      if (hasData) {
        appendToData((byte) '\n');
      }
      hasData = true;
      for (int i = valueStart; i < lineLength; i++) {
        appendToData(line[i]);
      }
    }
    lineLength = 0;
  }

  private boolean startsWithData() {
    if (lineLength < 4 || line[0] != 'd' || line[1] != 'a' || line[2] != 't' || line[3] != 'a') {
      return false;
    }
    return lineLength == 4 || line[4] == ':';
  }

  private void dispatch() {
    if (hasData) {
      sink.onEvent(data, dataLength);
    }
    hasData = false;
    dataLength = 0;
  }

  private void appendToLine(byte b) {
    if (lineLength == line.length) {
      line = grow(line, lineLength);
    }
    line[lineLength++] = b;
  }

  private void appendToData(byte b) {
    if (dataLength == data.length) {
      data = grow(data, dataLength);
    }
    data[dataLength++] = b;
  }

  private static byte[] grow(byte[] array, int used) {
    if (used >= MAX_EVENT_BYTES) {
      throw new IllegalStateException("SSE event larger than " + MAX_EVENT_BYTES + " bytes");
    }
    return Arrays.copyOf(array, Math.min(MAX_EVENT_BYTES, used * 2));
  }
}
