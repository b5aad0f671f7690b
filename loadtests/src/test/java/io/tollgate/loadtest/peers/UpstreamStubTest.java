package io.tollgate.loadtest.peers;

import io.tollgate.gpu.signals.PrometheusTextParser;
import io.tollgate.gpu.signals.ScrapedMetrics;
import io.tollgate.gpu.signals.VllmMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peers stub over a real socket, read byte by byte by a minimal HTTP/1.1 client here (so the framing itself is
 * checked: chunk sizes, one SSE event per chunk, keep-alive between requests).
 */
class UpstreamStubTest {

  private static UpstreamStub.Running stub;

  @BeforeAll
  static void start() throws Exception {
    stub = UpstreamStub.start("127.0.0.1", 0, 1, "peers-model", 64);
  }

  @AfterAll
  static void stop() {
    stub.close();
  }

  @Test
  void aNonStreamedRequestGetsAChatCompletionWithUsage() throws Exception {
    try (Connection c = new Connection(stub.port())) {
      Reply reply = c.post("/v1/chat/completions", "{\"model\":\"m1\",\"max_tokens\":8,\"messages\":"
          + "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\" hello  there\\nworld \"}]}");
      assertEquals(200, reply.status);
      assertEquals("application/json", reply.headers.get("content-type"));
      assertNull(reply.chunks, "a non-streamed answer has a content-length, not chunks");
      JsonObject json = new JsonObject(reply.body());
      assertEquals("chat.completion", json.getString("object"));
      assertTrue(json.getString("id").startsWith("chatcmpl-"));
      assertEquals("m1", json.getString("model"));
      JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
      assertEquals("assistant", choice.getJsonObject("message").getString("role"));
      assertEquals(StubResponses.TOKEN.repeat(8), choice.getJsonObject("message").getString("content"));
      assertEquals("length", choice.getString("finish_reason"));
      assertEquals(new JsonObject().put("prompt_tokens", 5).put("total_tokens", 13).put("completion_tokens", 8),
          json.getJsonObject("usage"));
      // max_completion_tokens wins over max_tokens, as in vLLM; the same connection serves it (keep-alive)
      Reply second = c.post("/v1/chat/completions", "{\"model\":\"m1\",\"max_tokens\":8,\"max_completion_tokens\":3,"
          + "\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a b\"}]}]}");
      JsonObject usage = new JsonObject(second.body()).getJsonObject("usage");
      assertEquals(3, usage.getInteger("completion_tokens"));
      assertEquals(2, usage.getInteger("prompt_tokens"));
    }
  }

  @Test
  void aStreamIsOneEventPerChunkThenUsageThenDone() throws Exception {
    try (Connection c = new Connection(stub.port())) {
      Reply reply = c.post("/v1/chat/completions", "{\"model\":\"m2\",\"stream\":true,\"max_tokens\":5,"
          + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");
      assertEquals(200, reply.status);
      assertEquals("text/event-stream; charset=utf-8", reply.headers.get("content-type"));
      assertEquals("chunked", reply.headers.get("transfer-encoding"));
      List<String> events = eventsOnePerChunk(reply);
      assertEquals(1 + 5 + 1 + 1, events.size(), events.toString());
      assertEquals("[DONE]", events.get(events.size() - 1));
      JsonObject role = new JsonObject(events.get(0));
      String id = role.getString("id");
      long created = role.getLong("created");
      assertEquals(new JsonObject().put("role", "assistant").put("content", ""),
          role.getJsonArray("choices").getJsonObject(0).getJsonObject("delta"));
      StringBuilder text = new StringBuilder();
      for (int i = 1; i <= 5; i++) {
        JsonObject chunk = new JsonObject(events.get(i));
        assertEquals("chat.completion.chunk", chunk.getString("object"));
        assertEquals(id, chunk.getString("id"), "one id for every chunk of a request");
        assertEquals(created, chunk.getLong("created"));
        assertEquals("m2", chunk.getString("model"));
        JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
        text.append(choice.getJsonObject("delta").getString("content"));
        assertEquals(i == 5 ? "length" : null, choice.getString("finish_reason"));
      }
      assertEquals(StubResponses.TOKEN.repeat(5), text.toString());
      JsonObject usage = new JsonObject(events.get(6));
      assertEquals(new JsonArray(), usage.getJsonArray("choices"));
      assertEquals(new JsonObject().put("prompt_tokens", 2).put("total_tokens", 7).put("completion_tokens", 5),
          usage.getJsonObject("usage"));

      // vLLM's rule: no stream_options, no usage chunk; no max_tokens, the default (64)
      List<String> plain = eventsOnePerChunk(c.post("/v1/chat/completions",
          "{\"model\":\"m2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
      assertEquals(1 + 64 + 1, plain.size());
      assertTrue(plain.stream().noneMatch(e -> e.contains("\"usage\"")));
      // stream_options present: include_usage defaults to true; false turns it off
      assertEquals(1 + 2 + 1 + 1, eventsOnePerChunk(c.post("/v1/chat/completions", "{\"model\":\"m2\",\"stream\":true,"
          + "\"max_tokens\":2,\"stream_options\":{},\"messages\":[]}")).size());
      assertEquals(1 + 2 + 1, eventsOnePerChunk(c.post("/v1/chat/completions", "{\"model\":\"m2\",\"stream\":true,"
          + "\"max_tokens\":2,\"stream_options\":{\"include_usage\":false},\"messages\":[]}")).size());
    }
  }

  @Test
  void flushingEveryFewEventsChangesTheWritesNotTheStream() throws Exception {
    try (UpstreamStub.Running coalescing = UpstreamStub.start("127.0.0.1", 0, 1, "peers-model", 64, 8);
         Connection c = new Connection(coalescing.port())) {
      List<String> events = eventsOnePerChunk(c.post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,"
          + "\"max_tokens\":20,\"stream_options\":{\"include_usage\":true}}"));
      assertEquals(1 + 20 + 1 + 1, events.size());
      assertTrue(events.get(21).contains("\"completion_tokens\":20"), events.get(21));
      assertEquals(1, coalescing.requests());
    }
  }

  @Test
  void badRequestsGetVllmsErrorShape() throws Exception {
    try (Connection c = new Connection(stub.port())) {
      Reply notJson = c.post("/v1/chat/completions", "{\"model\":");
      assertEquals(400, notJson.status);
      JsonObject error = new JsonObject(notJson.body()).getJsonObject("error");
      assertEquals("BadRequestError", error.getString("type"));
      assertEquals(400, error.getInteger("code"));
      Reply optionsWithoutStream = c.post("/v1/chat/completions",
          "{\"model\":\"m\",\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
      assertEquals(400, optionsWithoutStream.status);
      assertEquals("stream_options", new JsonObject(optionsWithoutStream.body()).getJsonObject("error").getString("param"));
      assertEquals(404, c.get("/v1/nothing").status);
      assertEquals(200, c.post("/v1/chat/completions", "{\"model\":\"m\",\"max_tokens\":1}").status,
          "the connection is still usable after errors");
    }
  }

  @Test
  void metricsAreWhatTheGatewaysScraperReadsAndHealthIsOk() throws Exception {
    try (Connection c = new Connection(stub.port())) {
      assertEquals(200, c.get("/health").status);
      Reply models = c.get("/v1/models");
      assertEquals("peers-model", new JsonObject(models.body()).getJsonArray("data").getJsonObject(0).getString("id"));
      c.post("/v1/chat/completions", "{\"model\":\"m\",\"max_tokens\":2}");
      Reply metrics = c.get("/metrics");
      assertEquals(200, metrics.status);
      assertTrue(metrics.headers.get("content-type").startsWith("text/plain"));
      VllmMetrics read = new VllmMetrics();
      PrometheusTextParser parser = new PrometheusTextParser(read);
      byte[] page = metrics.body.toByteArray();
      parser.feed(page, 0, page.length);
      parser.end();
      ScrapedMetrics scraped = read.result();
      assertTrue(scraped.hasLoad(), "the gateway's least-load scraper accepts the page: " + metrics.body());
      assertEquals(0, parser.malformedLines(), metrics.body());
      assertEquals(0, scraped.running());
      assertEquals(0, scraped.waiting());
      assertTrue(metrics.body().contains("vllm:generation_tokens_total{engine=\"0\",model_name=\"peers-model\"} "));
    }
  }

  /** Each chunk of the reply holds exactly one SSE event; returns the events' data. */
  private static List<String> eventsOnePerChunk(Reply reply) {
    assertEquals(200, reply.status);
    List<String> events = new ArrayList<>();
    for (String chunk : reply.chunks) {
      assertTrue(chunk.startsWith("data: ") && chunk.endsWith("\n\n") && chunk.indexOf("\n\n") == chunk.length() - 2,
          "one event per chunk: " + chunk);
      events.add(chunk.substring(6, chunk.length() - 2));
    }
    return events;
  }

  private static final class Reply {
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<String> chunks;

    String body() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  /** One keep-alive HTTP/1.1 connection, one request at a time. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Connection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    Reply post(String path, String json) throws IOException {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      out.write(("POST " + path + " HTTP/1.1\r\nHost: stub\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return read();
    }

    Reply get(String path) throws IOException {
      out.write(("GET " + path + " HTTP/1.1\r\nHost: stub\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read();
    }

    private Reply read() throws IOException {
      Reply reply = new Reply();
      String status = line();
      assertTrue(status.startsWith("HTTP/1.1 "), status);
      reply.status = Integer.parseInt(status.substring(9, 12));
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        reply.headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      if ("chunked".equals(reply.headers.get("transfer-encoding"))) {
        reply.chunks = new ArrayList<>();
        while (true) {
          int size = Integer.parseInt(line().trim(), 16);
          if (size == 0) {
            assertEquals("", line(), "no trailers, then the end of the chunked body");
            return reply;
          }
          byte[] chunk = in.readNBytes(size);
          assertEquals(size, chunk.length);
          reply.body.write(chunk);
          reply.chunks.add(new String(chunk, StandardCharsets.UTF_8));
          assertEquals("", line(), "CRLF after a chunk");
        }
      }
      int length = Integer.parseInt(reply.headers.get("content-length"));
      byte[] body = in.readNBytes(length);
      assertEquals(length, body.length);
      reply.body.write(body);
      return reply;
    }

    private String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed mid-line");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
