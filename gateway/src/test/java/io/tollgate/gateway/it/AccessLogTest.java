package io.tollgate.gateway.it;

import io.tollgate.gateway.logging.AccessLog;
import io.tollgate.logging.JsonLogFormatter;
import io.tollgate.logging.Logging;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One JSON access-log line per request, with its ids and never the key. */
class AccessLogTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  /** Held strongly: JUL keeps loggers weakly, and a collected one would lose our handler. */
  private final Logger accessLogger = Logger.getLogger(AccessLog.LOGGER);
  private final Handler capture = new Handler() {
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Override
    public void publish(LogRecord record) {
      lines.add(formatter.format(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private TestBed bed;

  @BeforeEach
  void start() throws Exception {
    accessLogger.addHandler(capture);
    bed = TestBed.builder().start();
  }

  @AfterEach
  void stop() throws Exception {
    accessLogger.removeHandler(capture);
    accessLogger.setLevel(null);
    bed.close();
  }

  private JsonObject awaitLine(int index) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 2_000;
    while (lines.size() <= index && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    String line = lines.get(index);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    assertFalse(line.contains(SECRET), "the key never appears in logs: " + line);
    return new JsonObject(line);
  }

  @Test
  void eachRequestWritesOneLineWithItsIdsAndOutcome() throws Exception {
    Http.post(bed.client, "/v1/chat/completions", Http.chat(4, true), SECRET, "x-request-id", "req-log-1");
    JsonObject served = awaitLine(0);
    assertEquals("request", served.getString("msg"));
    assertEquals("INFO", served.getString("level"));
    assertEquals(AccessLog.LOGGER, served.getString("logger"));
    assertEquals("req-log-1", served.getString("request_id"));
    assertEquals(TestBed.KEY_ID, served.getString("key_id"));
    assertEquals(TestBed.ORG, served.getString("org_id"));
    assertEquals("m", served.getString("model"));
    assertEquals(200, served.getInteger("status"));
    assertEquals(4, served.getInteger("completion_tokens"));
    assertTrue(served.getDouble("latency_ms") > 0);
    assertTrue(served.getString("backend").startsWith("sim-"));
    assertTrue(served.containsKey("trace_id"));

    Http.post(bed.client, "/v1/chat/completions", Http.chat(4, true), SECRET + "x", "x-request-id", "req-log-2");
    JsonObject refused = awaitLine(1);
    assertEquals("req-log-2", refused.getString("request_id"));
    assertEquals(401, refused.getInteger("status"));
    assertEquals("invalid_api_key", refused.getString("error_kind"));
    assertEquals(2, lines.size(), "one line per request");
  }

  @Test
  void anOperatorTurnsTheAccessLogOffAndRequestsAreStillServedAndMetered() throws Exception {
    Logging.levels(AccessLog.LOGGER + "=OFF");

    Http.Reply served = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, true), SECRET, "x-request-id",
        "req-off-1");
    Http.Reply refused = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, true), SECRET + "x",
        "x-request-id", "req-off-2");

    assertEquals(200, served.status());
    assertEquals(401, refused.status());
    assertEquals("req-off-1", bed.usage.awaitEvents(1, 2_000).get(0).requestId(),
        "the served request's usage event is still emitted");
    Thread.sleep(200); // what the log's writer thread would have written by now
    assertEquals(List.of(), lines, "no access-log line");
  }
}
