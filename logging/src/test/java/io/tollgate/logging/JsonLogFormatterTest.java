package io.tollgate.logging;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What log shippers rely on: one JSON object per line, with the record's fields, written off the caller's thread. */
class JsonLogFormatterTest {

  @Test
  void aRecordIsOneJsonLineWithItsLevelLoggerMessageAndFields() {
    LogRecord record = new LogRecord(Level.WARNING, "consumer lost the broker");
    record.setLoggerName("tollgate.analytics");
    record.setParameters(new Object[] {new JsonObject().put("queue", "usage").put("attempt", 3)});
    String line = new JsonLogFormatter().format(record);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "exactly one line: " + line);
    JsonObject json = new JsonObject(line);
    assertEquals("WARNING", json.getString("level"));
    assertEquals("usage", json.getString("queue"));
    assertEquals(3, json.getInteger("attempt"));
    assertEquals("tollgate.analytics", json.getString("logger"));
    assertEquals("consumer lost the broker", json.getString("msg"));
    assertTrue(json.containsKey("ts"), line);
  }

  @Test
  void eachLineStandsAloneAlthoughTheFormatterReusesItsBuffer() {
    JsonLogFormatter formatter = new JsonLogFormatter();
    LogRecord failed = new LogRecord(Level.SEVERE, "publisher failed");
    failed.setThrown(new IllegalStateException("x".repeat(40_000)));
    String first = formatter.format(failed);
    assertTrue(new JsonObject(first).getString("error").endsWith("x".repeat(40_000)), "the long line whole");
    LogRecord next = new LogRecord(Level.INFO, "next");
    String second = formatter.format(next);
    assertEquals("next", new JsonObject(second).getString("msg"));
    assertEquals(second.length() - 1, second.indexOf('\n'), "nothing of the line before it: " + second);
    assertEquals(second, formatter.format(next), "the same record, the same line");
  }

  @Test
  void fieldsVisitedInPlaceOfAMapAreWrittenWithTheirTypes() {
    LogRecord record = new LogRecord(Level.INFO, "request");
    record.setLoggerName("tollgate.access");
    record.setParameters(new Object[] {(LogFields) field -> {
      field.accept("request_id", "r-\"1\"\n");
      field.accept("status", 200);
      field.accept("latency_ms", 1.25);
      field.accept("tokens", 12L);
      field.accept("stream", true);
      field.accept("backend", null);
    }});
    String line = new JsonLogFormatter().format(record);
    assertEquals(line.length() - 1, line.indexOf('\n'), "one line although a value holds a newline: " + line);
    JsonObject json = new JsonObject(line);
    assertEquals("r-\"1\"\n", json.getString("request_id"));
    assertEquals(200, json.getInteger("status"));
    assertEquals(1.25, json.getDouble("latency_ms"));
    assertEquals(12L, json.getLong("tokens"));
    assertEquals(true, json.getBoolean("stream"));
    assertTrue(json.containsKey("backend") && json.getValue("backend") == null, line);
    assertEquals("request", json.getString("msg"));
    String text = new TextLogFormatter().format(record);
    assertTrue(text.contains(" INFO request request_id=r-") && text.contains(" status=200 latency_ms=1.25 tokens=12 stream=true")
        && !text.contains("backend"), "the terminal format shows the same fields, nulls left out: " + text);
  }

  @Test
  void anExceptionStaysOnTheSameLine() {
    LogRecord record = new LogRecord(Level.SEVERE, "failed");
    record.setLoggerName("x");
    record.setThrown(new IllegalStateException("boom\nsecond line"));
    String line = new JsonLogFormatter().format(record);
    assertEquals(line.length() - 1, line.indexOf('\n'), line);
    assertTrue(new JsonObject(line).encode().contains("boom"), line);
  }

  @Test
  void theAsyncHandlerWritesEveryRecordOnItsOwnThread() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AsyncLogHandler handler = new AsyncLogHandler(new JsonLogFormatter(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    for (int i = 0; i < 100; i++) {
      LogRecord record = new LogRecord(Level.INFO, "line " + i);
      record.setLoggerName("t");
      handler.publish(record);
    }
    Thread loop = new Thread(() -> {
      LogRecord record = new LogRecord(Level.INFO, "from a loop");
      record.setLoggerName("t");
      handler.publish(record);
    }, "vert.x-eventloop-thread-7");
    loop.start();
    loop.join();
    handler.close();
    String[] all = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("vert.x-eventloop-thread-7", new JsonObject(all[100]).getString("thread"),
        "the thread that logged, not the writer's");
    String[] lines = java.util.Arrays.copyOf(all, 100);
    assertEquals(101, all.length);
    for (int i = 0; i < 100; i++) {
      assertEquals("line " + i, new JsonObject(lines[i]).getString("msg"), "in order, none lost");
    }
  }

  @Test
  void aRecordAfterAQuietSpellIsWrittenPromptlyWithoutAFlush() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AsyncLogHandler handler = new AsyncLogHandler(new JsonLogFormatter(), new PrintStream(bytes, false, StandardCharsets.UTF_8));
    try {
      // The writer, finding nothing, sleeps half a second at a time: each record after a quiet spell
      // must wake it. (Spaced 150 ms apart, three records cannot all land just before a wake-up.)
      for (int i = 0; i < 3; i++) {
        Thread.sleep(150);
        LogRecord record = new LogRecord(Level.INFO, "after a quiet spell " + i);
        record.setLoggerName("t");
        long start = System.nanoTime();
        handler.publish(record);
        while (!bytes.toString(StandardCharsets.UTF_8).contains("after a quiet spell " + i)) {
          assertTrue(System.nanoTime() - start < 100_000_000L, "written within 100 ms, not at the writer's next wake-up");
          Thread.sleep(1);
        }
      }
    } finally {
      handler.close();
    }
  }
}
