package io.tollgate.gateway.stream;

import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed event streams as vLLM sends them (../shared/vllm-wire-2.md), read by the gateway. */
class StreamEventsTest {

  private static String event(String type, String json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
  }

  private static final String RESPONSE_STREAM =
      event("response.created", "{\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"model\":\"m\","
          + "\"status\":\"in_progress\",\"output\":[],\"usage\":null},\"sequence_number\":0,\"type\":\"response.created\"}")
      + event("response.in_progress", "{\"response\":{\"id\":\"resp_1\"},\"sequence_number\":1,\"type\":\"response.in_progress\"}")
      + event("response.output_item.added", "{\"item\":{\"id\":\"x\",\"content\":[],\"type\":\"message\"},"
          + "\"output_index\":0,\"sequence_number\":2,\"type\":\"response.output_item.added\"}")
      + event("response.output_text.delta", "{\"delta\":\"Hel\",\"sequence_number\":3,\"type\":\"response.output_text.delta\"}")
      + event("response.output_text.delta", "{\"delta\":\"lo\",\"sequence_number\":4,\"type\":\"response.output_text.delta\"}")
      + event("response.output_text.done", "{\"text\":\"Hello\",\"sequence_number\":5,\"type\":\"response.output_text.done\"}")
      + event("response.completed", "{\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"usage\":{"
          + "\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":5,"
          + "\"output_tokens_details\":{\"reasoning_tokens\":2},\"total_tokens\":17}},\"sequence_number\":6,"
          + "\"type\":\"response.completed\"}");

  @Test
  void aResponsesStreamIsForwardedWholeAndItsUsageTakenFromResponseCompleted() {
    SseForwarder forwarder = new SseForwarder(StreamEvents.of(Endpoint.RESPONSES, false));
    // Split at awkward places: events straddle network buffers.
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < RESPONSE_STREAM.length(); i += 37) {
      out.append(forwarder.process(Buffer.buffer(RESPONSE_STREAM.substring(i, Math.min(RESPONSE_STREAM.length(), i + 37)))));
    }
    assertEquals(RESPONSE_STREAM, out.toString(), "byte for byte");
    assertTrue(forwarder.sawDone());
    assertEquals(2, forwarder.tokenChunks());
    assertEquals(12, forwarder.usage().getInteger("input_tokens"));
    assertEquals(4, forwarder.usage().getJsonObject("input_tokens_details").getInteger("cached_tokens"));
    assertEquals("resp_1", forwarder.events().openingResponse().getString("id"));
    assertEquals(7, forwarder.events().nextSequenceNumber());
    assertFalse(forwarder.sawErrorEvent());
  }

  @Test
  void aCutResponsesStreamIsNotEndedAndKnowsWhatToNumberTheFailureEvent() {
    String cut = RESPONSE_STREAM.substring(0, RESPONSE_STREAM.indexOf("event: response.output_text.done"));
    SseForwarder forwarder = new SseForwarder(StreamEvents.of(Endpoint.RESPONSES, false));
    forwarder.process(Buffer.buffer(cut));
    assertFalse(forwarder.sawDone());
    assertNull(forwarder.usage());
    assertEquals(5, forwarder.events().nextSequenceNumber());
    assertEquals(2, forwarder.textChunks());
  }

  @Test
  void aFailedResponseCarriesItsError() {
    SseForwarder forwarder = new SseForwarder(StreamEvents.of(Endpoint.RESPONSES, false));
    forwarder.process(Buffer.buffer(event("response.failed", "{\"type\":\"response.failed\",\"sequence_number\":3,"
        + "\"response\":{\"id\":\"r\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}}")));
    assertTrue(forwarder.sawDone());
    assertTrue(forwarder.sawErrorEvent());
    assertEquals("server_error", forwarder.error().getString("code"));
  }

  private static final String MESSAGE_STREAM =
      event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"chatcmpl-1\",\"content\":[],\"model\":\"m\","
          + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":0}}}")
      + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
      + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}")
      + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}")
      + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
      + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
          + "\"usage\":{\"input_tokens\":12,\"output_tokens\":5}}")
      + event("message_stop", "{\"type\":\"message_stop\"}");

  @Test
  void aMessagesStreamKeepsItsEventLinesAndTakesUsageFromStartAndDelta() {
    SseForwarder forwarder = new SseForwarder(StreamEvents.of(Endpoint.MESSAGES, false));
    assertEquals(MESSAGE_STREAM, forwarder.process(Buffer.buffer(MESSAGE_STREAM)).toString());
    assertTrue(forwarder.sawDone());
    assertEquals(2, forwarder.tokenChunks());
    JsonObject usage = forwarder.usage();
    assertEquals(12, usage.getInteger("input_tokens"));
    assertEquals(5, usage.getInteger("output_tokens"));
  }

  @Test
  void aMessagesStreamCutShortHasOnlyItsInputTokensAndItsErrorEvent() {
    String cut = MESSAGE_STREAM.substring(0, MESSAGE_STREAM.indexOf("event: content_block_stop"))
        + event("error", "{\"type\":\"error\",\"error\":{\"type\":\"internal_error\",\"message\":\"engine died\"}}");
    SseForwarder forwarder = new SseForwarder(StreamEvents.of(Endpoint.MESSAGES, false));
    forwarder.process(Buffer.buffer(cut));
    assertFalse(forwarder.sawDone());
    assertTrue(forwarder.sawErrorEvent());
    assertEquals("internal_error", forwarder.error().getString("type"));
    assertEquals(0, forwarder.usage().getInteger("output_tokens"));
    assertEquals(2, forwarder.textChunks(), "the accounting's fallback for the output tokens");
  }
}
