package io.tollgate.logging;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: time, level, logger, thread, message, the record's structured fields
 * (a {@link JsonObject} passed as its first parameter) and the stack trace of a thrown exception.
 */
public final class JsonLogFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(record.getMillis()).toString())
        .put("level", record.getLevel().getName())
        .put("logger", record.getLoggerName())
        .put("thread", AsyncLogHandler.originThread())
        .put("msg", formatMessage(record));
    Object[] params = record.getParameters();
    if (params != null && params.length > 0 && params[0] instanceof JsonObject fields) {
      fields.forEach(field -> line.put(field.getKey(), field.getValue()));
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", record.getThrown().toString()).put("stack", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }

  @Override
  public String formatMessage(LogRecord record) {
    Object[] params = record.getParameters();
    // Structured records carry fields, not message arguments.
    if (params != null && params.length > 0 && params[0] instanceof JsonObject) {
      return record.getMessage();
    }
    return super.formatMessage(record);
  }
}
