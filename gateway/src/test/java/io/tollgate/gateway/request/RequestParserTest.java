package io.tollgate.gateway.request;

import io.tollgate.gateway.http.ApiError;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestParserTest {

  private static RequestParser.Parsed parse(Endpoint endpoint, String json) {
    return RequestParser.parse(endpoint, Buffer.buffer(json));
  }

  private static ApiError error(Endpoint endpoint, String json) {
    ApiError error = ApiError.of(parse(endpoint, json).error());
    assertEquals(400, error.status(), json);
    return error;
  }

  @Test
  void readsModelStreamUsageAndMaxTokens() {
    CompletionRequest request = parse(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there friend\"}],"
            + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_completion_tokens\":12}").request();
    assertEquals("m", request.model());
    assertTrue(request.stream());
    assertTrue(request.clientWantsUsage());
    assertEquals(12, request.maxTokens());
    assertTrue(request.promptTokenEstimate() >= 4);
  }

  @Test
  void usageIsNotWantedUnlessAsked() {
    CompletionRequest request = parse(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":\"hi\",\"stream\":true}").request();
    assertFalse(request.clientWantsUsage());
    assertEquals(-1, request.maxTokens());
    assertFalse(parse(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":\"hi\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}")
        .request().clientWantsUsage());
    assertTrue(parse(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":\"hi\",\"stream\":true,\"stream_options\":{}}")
        .request().clientWantsUsage(), "vLLM's default when stream_options is present");
  }

  @Test
  void malformedJson() {
    ApiError error = error(Endpoint.CHAT_COMPLETIONS, "{\"model\": ");
    assertEquals("invalid_json", error.code());
    assertEquals("invalid_json", error(Endpoint.CHAT_COMPLETIONS, "[1,2]").code());
    assertEquals("invalid_json", error(Endpoint.CHAT_COMPLETIONS, "").code());
  }

  @Test
  void missingAndMistypedFields() {
    assertEquals("model", error(Endpoint.CHAT_COMPLETIONS, "{\"messages\":[{}]}").param());
    assertEquals("messages", error(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\"}").param());
    assertEquals("messages", error(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[]}").param());
    assertEquals("prompt", error(Endpoint.COMPLETIONS, "{\"model\":\"m\"}").param());
    assertEquals("input", error(Endpoint.EMBEDDINGS, "{\"model\":\"m\"}").param());
    assertEquals("model", error(Endpoint.COMPLETIONS, "{\"model\":7,\"prompt\":\"x\"}").param());
    assertEquals("stream", error(Endpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":\"yes\"}").param());
    assertEquals("max_tokens", error(Endpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":0}").param());
    assertEquals("max_tokens", error(Endpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":1.5}").param());
  }

  @Test
  void streamOptionsWithoutStreamIsRefusedLikeVllm() {
    assertEquals("stream_options", error(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream_options\":{\"include_usage\":true}}").param());
  }

  @Test
  void embeddingsNeverStream() {
    CompletionRequest request = parse(Endpoint.EMBEDDINGS, "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}").request();
    assertFalse(request.stream());
    assertNull(parse(Endpoint.EMBEDDINGS, "{\"model\":\"e\",\"input\":\"a\"}").error());
  }
}
