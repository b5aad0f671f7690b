package io.tollgate.logging;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** For people at a terminal ({@code --demo}): time, level, message, then key=value fields. */
public final class TextLogFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(128)
        .append(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).withNano(0))
        .append(' ').append(record.getLevel().getName()).append(' ')
        .append(record.getMessage() == null ? "" : record.getMessage());
    Object[] params = record.getParameters();
    LogFields fields = LogFields.of(params);
    if (fields != null) {
      fields.forEach((name, value) -> {
        if (value != null) {
          line.append(' ').append(name).append('=').append(value);
        }
      });
    } else if (params != null) {
      line.setLength(0);
      line.append(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).withNano(0))
          .append(' ').append(record.getLevel().getName()).append(' ').append(formatMessage(record));
    }
    if (record.getThrown() != null) {
      line.append(" error=").append(record.getThrown());
    }
    return line.append(System.lineSeparator()).toString();
  }
}
