package io.tollgate.logging;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncLogHandlerTest {

  /** Counts the writes that reach the "file descriptor", as write() system calls would be. */
  private static final class CountingStream extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public synchronized void write(int b) {
      writes.incrementAndGet();
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.incrementAndGet();
      bytes.write(b, off, len);
    }
  }

  @Test
  void linesLoggedTogetherReachStderrInFewWritesNotOneEach() {
    CountingStream fd = new CountingStream();
    // As the JDK makes System.err: a 128-byte buffer, flushed at every line.
    PrintStream stderr = new PrintStream(new java.io.BufferedOutputStream(fd, 128), true, StandardCharsets.UTF_8);
    AsyncLogHandler handler = new AsyncLogHandler(new JsonLogFormatter(), stderr);
    int lines = 500;
    for (int i = 0; i < lines; i++) {
      LogRecord record = new LogRecord(Level.INFO, "request " + i + " answered, model é");
      record.setLoggerName("tollgate.access");
      handler.publish(record);
    }
    handler.flush();
    handler.close();

    String written = fd.bytes.toString(StandardCharsets.UTF_8);
    assertEquals(lines, written.lines().count(), "every line written");
    assertTrue(written.contains("request 499 answered, model é"), "UTF-8 kept: " + written.lines().findFirst());
    // ~180 bytes a line: 500 lines are ~90 KB, two 64 KB buffers' worth, in however many rounds the
    // writer took; one write per line (500) is what stderr's own stream does.
    assertTrue(fd.writes.get() < lines / 10, fd.writes.get() + " writes for " + lines + " lines");
  }

  @Test
  void aJsonLineIsWhatTheFormatterWritesAndAFailingRecordLeavesNoHalfLine() {
    CountingStream fd = new CountingStream();
    JsonLogFormatter formatter = new JsonLogFormatter();
    AsyncLogHandler handler = new AsyncLogHandler(formatter, new PrintStream(fd, true, StandardCharsets.UTF_8));
    LogRecord access = accessLine(field -> {
      field.accept("model", "naïve-日本");
      field.accept("latency_ms", 12.5);
      field.accept("status", 200);
    });
    LogRecord broken = accessLine(field -> {
      field.accept("model", "half");
      throw new IllegalStateException("a field that cannot be read");
    });
    LogRecord failed = new LogRecord(Level.WARNING, "backend failed");
    failed.setLoggerName("tollgate.gateway");
    failed.setThrown(new java.io.IOException("connection reset"));
    handler.publish(access);
    handler.publish(broken);
    handler.publish(failed);
    handler.flush();
    handler.close();

    // Formatted here for the record's own time and origin thread (this one), as the writer formats them.
    assertEquals(formatter.format(access) + formatter.format(failed), fd.bytes.toString(StandardCharsets.UTF_8));
    assertEquals(1, handler.dropped());
  }

  private static LogRecord accessLine(LogFields fields) {
    LogRecord record = new LogRecord(Level.INFO, "request");
    record.setLoggerName("tollgate.access");
    record.setParameters(new Object[] {fields});
    return record;
  }
}
