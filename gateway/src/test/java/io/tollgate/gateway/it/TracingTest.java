package io.tollgate.gateway.it;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tollgate.gateway.trace.RequestTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A span per request with GenAI attributes, in the client's trace, and its context passed to vLLM. */
class TracingTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private TestBed bed;

  @BeforeEach
  void start() throws Exception {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    bed = TestBed.builder().simulators(1).tracer(RequestTracer.of(sdk, provider::close)).start();
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  private List<SpanData> awaitSpans(int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 2_000;
    while (exporter.getFinishedSpanItems().size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return exporter.getFinishedSpanItems();
  }

  @Test
  void aStreamIsOneSpanInTheClientsTraceWithGenAiAttributesAndItsContextReachesTheBackend() throws Exception {
    String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(6, true), SECRET,
        "traceparent", "00-" + clientTrace + "-00f067aa0ba902b7-01");
    assertEquals(200, reply.status());

    SpanData span = awaitSpans(1).get(0);
    assertEquals("chat m", span.getName());
    assertEquals(clientTrace, span.getTraceId(), "a child of the client's trace");
    assertEquals("00f067aa0ba902b7", span.getParentSpanId());
    assertEquals("chat", span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")));
    assertEquals("m", span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")));
    assertEquals("m", span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")));
    assertEquals(6L, span.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens")));
    assertEquals(6L, span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")));
    assertTrue(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")) > 0);
    assertEquals(200L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    assertEquals(TestBed.KEY_ID, span.getAttributes().get(AttributeKey.stringKey("tollgate.key_id")));
    assertEquals("sim-1", span.getAttributes().get(AttributeKey.stringKey("tollgate.backend")));
    List<String> events = span.getEvents().stream().map(e -> e.getName()).toList();
    assertEquals(List.of("authenticated", "admitted", "backend.selected", "first_token"), events);

    String upstream = bed.sim(1).lastTraceparent();
    assertNotNull(upstream, "the backend received a traceparent");
    assertEquals("00-" + clientTrace + "-" + span.getSpanId() + "-01", upstream,
        "the backend's parent is the gateway's span");
  }

  @Test
  void aRefusedRequestEndsItsSpanWithTheError() throws Exception {
    assertEquals(401, Http.post(bed.client, "/v1/chat/completions", Http.chat(2, true), "tg-nope").status());
    SpanData span = awaitSpans(1).get(0);
    assertEquals(401L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
    assertEquals("invalid_api_key", span.getAttributes().get(AttributeKey.stringKey("error.type")));
  }
}
