package io.tollgate.logging;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: time, level, logger, thread, message, the record's structured fields
 * ({@link LogFields}, or a Vert.x JSON object, as its first parameter) and the stack trace of a
 * thrown exception. Written with a streaming generator: no tree is built per line.
 */
public final class JsonLogFormatter extends Formatter {

  /** Doubles (latencies) written by the fast writer: the JDK's conversion showed in the writer thread's profile. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();
  private static final String NEWLINE = System.lineSeparator();
  private static final byte[] NEWLINE_BYTES = NEWLINE.getBytes(StandardCharsets.UTF_8);
  /**
   * Each formatting thread's line buffer, reused: a new one per line, grown to the line's length and
   * copied once more into the String, was a tenth of the gateway's allocations under load.
   */
  private static final ThreadLocal<StringWriter> LINE = ThreadLocal.withInitial(() -> new StringWriter(512));
  private static final int MAX_KEPT_CHARS = 16 * 1024;
  // Field names encoded once, their quoted bytes copied per line (the access log writes a line per request).
  private static final SerializedString TS = new SerializedString("ts");
  private static final SerializedString LEVEL = new SerializedString("level");
  private static final SerializedString LOGGER = new SerializedString("logger");
  private static final SerializedString THREAD = new SerializedString("thread");
  private static final SerializedString MSG = new SerializedString("msg");
  /** The structured fields' names, as the code names them; a bound, since a logged JSON object's keys may be anything. */
  private static final int MAX_NAMES = 512;
  private static final ConcurrentHashMap<String, SerializedString> NAMES = new ConcurrentHashMap<>();

  @Override
  public String format(LogRecord record) {
    StringWriter out = LINE.get();
    out.getBuffer().setLength(0);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      writeObject(record, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String line = out.append(NEWLINE).toString();
    if (out.getBuffer().capacity() > MAX_KEPT_CHARS) {
      LINE.remove(); // a stack trace's buffer is not kept for every later line
    }
    return line;
  }

  /**
   * The record's line, newline included, as UTF-8 appended to {@code line}: what
   * {@link AsyncLogHandler} writes, with no String built and encoded again in between.
   */
  public void formatTo(LogRecord record, ByteArrayOutputStream line) {
    try (JsonGenerator json = JSON.createGenerator(line, JsonEncoding.UTF8)) {
      writeObject(record, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    line.writeBytes(NEWLINE_BYTES);
  }

  private void writeObject(LogRecord record, JsonGenerator json) throws IOException {
    json.writeStartObject();
    string(json, TS, IsoInstants.ofEpochMilli(record.getMillis()));
    string(json, LEVEL, record.getLevel().getName());
    string(json, LOGGER, record.getLoggerName());
    string(json, THREAD, AsyncLogHandler.originThread());
    LogFields fields = LogFields.of(record.getParameters());
    // Structured records carry fields, not message arguments.
    string(json, MSG, fields != null ? record.getMessage() : super.formatMessage(record));
    if (fields != null) {
      fields.forEach((name, value) -> write(json, name, value));
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      json.writeStringField("error", record.getThrown().toString());
      json.writeStringField("stack", trace.toString());
    }
    json.writeEndObject();
  }

  private static void string(JsonGenerator json, SerializedString name, String value) throws IOException {
    json.writeFieldName(name);
    json.writeString(value);
  }

  private static SerializedString encoded(String name) {
    SerializedString known = NAMES.get(name);
    if (known == null) {
      known = new SerializedString(name);
      if (NAMES.size() < MAX_NAMES) {
        NAMES.putIfAbsent(name, known);
      }
    }
    return known;
  }

  private static void write(JsonGenerator json, String name, Object value) {
    try {
      json.writeFieldName(encoded(name));
      if (value == null) {
        json.writeNull();
      } else if (value instanceof String text) {
        json.writeString(text);
      } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
        json.writeNumber(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        json.writeNumber(((Number) value).doubleValue());
      } else if (value instanceof BigDecimal decimal) {
        json.writeNumber(decimal);
      } else if (value instanceof BigInteger integer) {
        json.writeNumber(integer);
      } else if (value instanceof Boolean flag) {
        json.writeBoolean(flag);
      } else {
        json.writeString(value.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String formatMessage(LogRecord record) {
    // Structured records carry fields, not message arguments.
    if (LogFields.of(record.getParameters()) != null) {
      return record.getMessage();
    }
    return super.formatMessage(record);
  }
}
