package io.tollgate.controlplane.observability;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.logging.JsonLogFormatter;
import io.tollgate.logging.TextLogFormatter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One {@code tollgate.access} line per API request: id, method, route template, status, duration, actor; no secret. */
class AccessLogTest {

  /** JUL holds loggers weakly: a handler added to a collected logger would hear nothing. */
  private static final Logger ACCESS = Logger.getLogger(ApiAccessLog.LOGGER);

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void listen() {
    ACCESS.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    ACCESS.removeHandler(capture);
  }

  /** A reply and the request id it carried back. */
  private record Sent(int status, String body, String requestId) {
  }

  @Test
  void oneLinePerApiRequestWithIdRouteAndActorAndNoSecret() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      HttpClient client = cp.guarded.vertx().createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(cp.plane.port()));
      // The bootstrap token is an actor of its own (until the first platform admin exists).
      assertEquals(200, send(cp, client, HttpMethod.GET, "/api/v1/me", cp.bootstrapToken, "req-boot", null).status());
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());

      Sent created = send(cp, client, HttpMethod.POST, "/api/v1/orgs/acme/keys", root, "req-key-1",
          new JsonObject().put("id", "ci").encode());
      assertEquals(201, created.status(), created.body());
      assertEquals("req-key-1", created.requestId());
      String secret = new JsonObject(created.body()).getString("secret");
      JsonObject line = line("req-key-1");
      assertEquals("POST", line.getString("method"));
      assertEquals("/api/v1/orgs/{org}/keys", line.getString("route"));
      assertEquals(201, line.getInteger("status"));
      assertEquals("root@example.com", line.getString("actor"));
      assertTrue(line.getDouble("duration_ms") > 0, line.encode());

      // A refused token is nobody.
      Sent refused = send(cp, client, HttpMethod.GET, "/api/v1/orgs/acme", "tga-not-a-real-token", "req-401", null);
      assertEquals(401, refused.status());
      Sent unmatched = send(cp, client, HttpMethod.GET, "/api/v1/nothing/here", root, null, null);
      assertEquals(404, unmatched.status());
      assertFalse(unmatched.requestId().isBlank(), "an id is made when none is sent");

      JsonObject boot = line("req-boot");
      assertEquals("bootstrap", boot.getString("actor"));
      assertEquals("/api/v1/me", boot.getString("route"));
      JsonObject anonymous = line("req-401");
      assertNull(anonymous.getValue("actor"));
      assertEquals("/api/v1/orgs/{org}", anonymous.getString("route"));
      assertEquals(401, anonymous.getInteger("status"));
      JsonObject notFound = line(unmatched.requestId());
      assertEquals(RequestObserver.UNMATCHED, notFound.getString("route"));
      assertEquals(404, notFound.getInteger("status"));

      // Probes and scrapes are counted, not logged.
      int before = records.size();
      assertEquals(200, cp.get("/health", null).status());
      assertEquals(200, cp.get("/metrics", null).status());
      assertEquals(200, cp.get("/ready", null).status());
      Thread.sleep(100);
      assertEquals(before, records.size(), "no access-log lines for /health, /metrics, /ready");

      // Neither the tokens nor the key's secret reach a line, in either format.
      for (LogRecord record : records) {
        for (String text : List.of(new JsonLogFormatter().format(record), new TextLogFormatter().format(record))) {
          for (String secretText : List.of(root, cp.bootstrapToken, "tga-not-a-real-token", secret)) {
            assertFalse(text.contains(secretText), "a secret in " + text);
          }
        }
      }
      client.close();
    }
  }

  /** The fields of the line of request {@code id}, waiting briefly: it is written as the response ends. */
  private JsonObject line(String id) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<LogRecord> lines = records.stream()
          .filter(record -> id.equals(((JsonObject) record.getParameters()[0]).getString("request_id")))
          .toList();
      if (!lines.isEmpty()) {
        assertEquals(1, lines.size(), "one line per request");
        assertEquals(ApiAccessLog.LOGGER, lines.get(0).getLoggerName());
        assertEquals("request", lines.get(0).getMessage());
        return (JsonObject) lines.get(0).getParameters()[0];
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access-log line for request " + id + ": " + records.size() + " lines");
  }

  private static Sent send(RunningControlPlane cp, HttpClient client, HttpMethod method, String path, String token,
                           String requestId, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
        .putHeader("authorization", "Bearer " + token);
    if (requestId != null) {
      options.putHeader("x-request-id", requestId);
    }
    if (body != null) {
      options.putHeader("content-type", "application/json");
    }
    Buffer payload = body == null ? Buffer.buffer() : Buffer.buffer(body);
    return cp.onContext(() -> client.request(options).compose(request -> request.send(payload)
        .compose(response -> response.body().map(b -> new Sent(response.statusCode(), b.toString(),
            response.getHeader("x-request-id"))))));
  }
}
