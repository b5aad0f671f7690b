package io.tollgate.controlplane.observability;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Over the API port itself: a client that offers HTTP/2 (java.net.http by default, as the CLI was,
 * and {@code curl --http2}: an h2c upgrade on every request) is answered in HTTP/1.1, since the
 * front door turns clear-text HTTP/2 off, and its status is logged and counted as sent. (How the
 * observer reads the status over real HTTP/2: RequestObserverHttp2Test.)
 */
class ProtocolStatusTest {

  private static final Logger ACCESS = Logger.getLogger(ApiAccessLog.LOGGER);

  private final List<JsonObject> lines = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      lines.add((JsonObject) record.getParameters()[0]);
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

  @Test
  void theStatusSentIsLoggedAndCountedOverHttp11AndHttp2Clients() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient client = HttpClient.newBuilder().version(version).build();
        for (String path : List.of("/api/v1/me", "/api/v1/orgs/none")) {
          String id = "req-" + version + path.replace('/', '-');
          // As the CLI builds its requests (a content type, and an empty body even for a GET).
          HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + cp.plane.port() + path))
              .header("authorization", "Bearer " + cp.bootstrapToken).header("x-request-id", id)
              .header("content-type", "application/json").method("GET", HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
          JsonObject line = line(id);
          assertEquals(response.statusCode(), line.getInteger("status"), version + " " + path + ": " + line);
        }
      }
      Scrape scrape = Scrape.until(cp, s -> Double.valueOf(2).equals(s.value("tollgate_control_plane_http_requests_total",
          "method", "GET", "route", "/api/v1/me", "status", "200")));
      assertEquals(2.0, scrape.value("tollgate_control_plane_http_requests_total",
          "method", "GET", "route", "/api/v1/me", "status", "200"), scrape.text());
      assertEquals(null, scrape.value("tollgate_control_plane_http_requests_total",
          "method", "GET", "route", "/api/v1/me", "status", "499"), "no request counted as client-closed");
    }
  }

  private JsonObject line(String id) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (JsonObject line : lines) {
        if (id.equals(line.getString("request_id"))) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access-log line for " + id);
  }
}
