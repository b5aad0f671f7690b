package io.tollgate.gpu.signals;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming parser of the Prometheus text exposition format (version 0.0.4): fed network
 * buffers as they arrive, it never holds more than one line, so a vLLM {@code /metrics} page of
 * a few hundred kilobytes (mostly histogram buckets) costs a small fixed buffer, not a copy of the
 * page. Lines may be split anywhere across buffers.
 *
 * <p>Only samples the listener {@link Listener#wants wants} are decoded further (labels, value);
 * every other line costs one scan for its name. Comments ({@code # HELP}, {@code # TYPE}) and
 * blank lines are skipped; a line longer than the bound is skipped whole and counted.
 *
 * <p>Not thread-safe: one parser per response.
 */
public final class PrometheusTextParser {

  /** What the parser reports to. */
  public interface Listener {
    /** Whether samples of this metric are wanted; unwanted lines are not decoded further. */
    boolean wants(String metricName);

    /** One sample of a wanted metric; {@code labels} is empty when the sample has none. */
    void sample(String metricName, Map<String, String> labels, double value);
  }

  /** Long enough for any vLLM sample line (LoRA adapter lists included). */
  public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024;

  private final Listener listener;
  private final int maxLineBytes;
  private byte[] line = new byte[256];
  private int length;
  private boolean overlong;
  private long bytes;
  private long samples;
  private long skippedLines;
  private long malformedLines;

  public PrometheusTextParser(Listener listener) {
    this(listener, DEFAULT_MAX_LINE_BYTES);
  }

  public PrometheusTextParser(Listener listener, int maxLineBytes) {
    this.listener = listener;
    this.maxLineBytes = maxLineBytes;
  }

  public void feed(Buffer chunk) {
    int size = chunk.length();
    bytes += size;
    for (int i = 0; i < size; i++) {
      accept(chunk.getByte(i));
    }
  }

  public void feed(byte[] chunk, int offset, int count) {
    bytes += count;
    for (int i = offset; i < offset + count; i++) {
      accept(chunk[i]);
    }
  }

  /** The body ended: a last line without a newline still counts. */
  public void end() {
    if (length > 0 || overlong) {
      endOfLine();
    }
  }

  public long bytes() {
    return bytes;
  }

  /** Samples handed to the listener. */
  public long samples() {
    return samples;
  }

  /** Lines over the length bound, skipped whole. */
  public long skippedLines() {
    return skippedLines;
  }

  /** Wanted lines that did not parse (bad labels or value). */
  public long malformedLines() {
    return malformedLines;
  }

  private void accept(byte b) {
    if (b == '\n') {
      endOfLine();
      return;
    }
    if (overlong) {
      return;
    }
    if (length == maxLineBytes) {
      overlong = true;
      return;
    }
    if (length == line.length) {
      byte[] bigger = new byte[Math.min(maxLineBytes, line.length * 2)];
      System.arraycopy(line, 0, bigger, 0, length);
      line = bigger;
    }
    line[length++] = b;
  }

  private void endOfLine() {
    if (overlong) {
      skippedLines++;
    } else {
      parseLine(length > 0 && line[length - 1] == '\r' ? length - 1 : length);
    }
    length = 0;
    overlong = false;
  }

  private void parseLine(int end) {
    int pos = skipSpaces(0, end);
    if (pos == end || line[pos] == '#') {
      return;
    }
    int nameStart = pos;
    while (pos < end && line[pos] != '{' && line[pos] != ' ' && line[pos] != '\t') {
      pos++;
    }
    String name = new String(line, nameStart, pos - nameStart, StandardCharsets.US_ASCII);
    if (!listener.wants(name)) {
      return;
    }
    Map<String, String> labels = Map.of();
    pos = skipSpaces(pos, end);
    if (pos < end && line[pos] == '{') {
      labels = new LinkedHashMap<>(4);
      pos = parseLabels(pos + 1, end, labels);
      if (pos < 0) {
        malformedLines++;
        return;
      }
    }
    pos = skipSpaces(pos, end);
    int valueStart = pos;
    while (pos < end && line[pos] != ' ' && line[pos] != '\t') {
      pos++;
    }
    if (valueStart == pos) {
      malformedLines++;
      return;
    }
    double value;
    try {
      value = parseValue(new String(line, valueStart, pos - valueStart, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      malformedLines++;
      return;
    }
    // An optional timestamp may follow; the scrape time is what matters to a router.
    samples++;
    listener.sample(name, labels, value);
  }

  /** Parses {@code name="value",...}} from just after the brace; returns the index after it, or -1. */
  private int parseLabels(int pos, int end, Map<String, String> labels) {
    StringBuilder value = new StringBuilder();
    while (true) {
      pos = skipSpaces(pos, end);
      if (pos >= end) {
        return -1;
      }
      if (line[pos] == '}') {
        return pos + 1;
      }
      int nameStart = pos;
      while (pos < end && line[pos] != '=' && line[pos] != ' ') {
        pos++;
      }
      String labelName = new String(line, nameStart, pos - nameStart, StandardCharsets.US_ASCII);
      pos = skipSpaces(pos, end);
      if (pos >= end || line[pos] != '=') {
        return -1;
      }
      pos = skipSpaces(pos + 1, end);
      if (pos >= end || line[pos] != '"') {
        return -1;
      }
      pos++;
      value.setLength(0);
      int runStart = pos;
      while (true) {
        if (pos >= end) {
          return -1;
        }
        byte b = line[pos];
        if (b == '"') {
          value.append(new String(line, runStart, pos - runStart, StandardCharsets.UTF_8));
          pos++;
          break;
        }
        if (b == '\\' && pos + 1 < end) {
          value.append(new String(line, runStart, pos - runStart, StandardCharsets.UTF_8));
          byte escaped = line[pos + 1];
          value.append(escaped == 'n' ? '\n' : (char) escaped);
          pos += 2;
          runStart = pos;
          continue;
        }
        pos++;
      }
      labels.put(labelName, value.toString());
      pos = skipSpaces(pos, end);
      if (pos < end && line[pos] == ',') {
        pos++;
      }
    }
  }

  private int skipSpaces(int pos, int end) {
    while (pos < end && (line[pos] == ' ' || line[pos] == '\t')) {
      pos++;
    }
    return pos;
  }

  static double parseValue(String text) {
    switch (text) {
      case "+Inf", "Inf", "inf", "+inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf", "-inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN", "nan":
        return Double.NaN;
      default:
        return Double.parseDouble(text);
    }
  }
}
