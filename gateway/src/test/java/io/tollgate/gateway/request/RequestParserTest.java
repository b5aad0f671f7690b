package io.tollgate.gateway.request;

import io.tollgate.gateway.http.ApiError;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

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
  void aMalformedBodyIsExplainedWithWhereAndWithoutTheParsersInternals() {
    ApiError unclosed = error(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}");
    assertEquals("We could not parse the JSON body of your request: Unexpected end-of-input: expected close marker"
        + " for Array (start marker at line 1, column 25) at line 1, column 41", unclosed.message());
    ApiError badCharacter = error(Endpoint.CHAT_COMPLETIONS, "{\n  \"model\": \"m\",\n  }");
    assertTrue(badCharacter.message().endsWith(" at line 3, column 3"), badCharacter.message());
    for (ApiError refused : List.of(unclosed, badCharacter)) {
      assertFalse(refused.message().contains("Source") || refused.message().contains("REDACTED")
          || refused.message().contains("StreamReadFeature"), refused.message());
    }
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

  @Test
  void theWholeDocumentMustBeOneJsonObject() {
    assertEquals("invalid_json", error(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]} trailing").code());
    assertEquals("invalid_json", error(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}{\"model\":\"n\"}").code());
    assertEquals("invalid_json", error(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}],\"tools\":[{\"a\":}]}").code(),
        "a syntax error in a field the gateway does not read is still one");
    assertEquals("invalid_json", error(Endpoint.CHAT_COMPLETIONS, "\"just a string\"").code());
  }

  @Test
  void nullIsAbsentAndTheLastDuplicateWins() {
    assertEquals("model", error(Endpoint.CHAT_COMPLETIONS, "{\"model\":null,\"messages\":[{}]}").param());
    assertEquals("prompt", error(Endpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":null}").param());
    assertEquals("model", error(Endpoint.COMPLETIONS, "{\"model\":{\"a\":1},\"prompt\":\"x\"}").param());
    assertEquals("stream_options", error(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true,\"stream_options\":[1]}").param());
    CompletionRequest twice = parse(Endpoint.COMPLETIONS,
        "{\"model\":\"first\",\"prompt\":\"x\",\"model\":\"second\",\"stream\":false,\"stream\":true}").request();
    assertEquals("second", twice.model());
    assertTrue(twice.stream());
    assertEquals(7, parse(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":3,\"max_completion_tokens\":7}").request().maxTokens(),
        "max_completion_tokens wins, as OpenAI's newer name");
  }

  @Test
  void promptTextIsCountedInEveryShape() {
    // 30 characters of text (10 tokens) in strings, parts and nested lists; 4 token ids (12 chars).
    assertEquals(10, parse(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":\"" + "y".repeat(30) + "\"}").request().promptTokenEstimate());
    assertEquals(10, parse(Endpoint.COMPLETIONS,
        "{\"model\":\"m\",\"prompt\":[\"" + "y".repeat(15) + "\",[\"" + "y".repeat(15) + "\"]]}").request()
        .promptTokenEstimate());
    assertEquals(4, parse(Endpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":[1,2,3,4]}").request().promptTokenEstimate());
    // Two messages: 12 characters of overhead each, plus their text parts (an image part counts nothing).
    assertEquals((24 + 30) / 3, parse(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"" + "s".repeat(10) + "\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + "u".repeat(20) + "\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:...\"}}]}]}").request().promptTokenEstimate());
  }

  @Test
  void theResponsesApiNeedsInputAndCapsItsOutputWithMaxOutputTokens() {
    CompletionRequest request = parse(Endpoint.RESPONSES, "{\"model\":\"m\",\"instructions\":\"" + "i".repeat(30)
        + "\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + "u".repeat(30)
        + "\"}]}],\"stream\":true,\"max_output_tokens\":64,\"max_tokens\":3}").request();
    assertTrue(request.stream());
    assertEquals(64, request.maxTokens(), "max_output_tokens is the Responses API's cap; max_tokens is not its field");
    assertTrue(request.clientWantsUsage(), "its stream always ends with response.completed and its usage");
    assertEquals(20, request.promptTokenEstimate(), "instructions and the items' nested text both count");
    assertEquals("input", error(Endpoint.RESPONSES, "{\"model\":\"m\"}").param());
    assertEquals("max_output_tokens", error(Endpoint.RESPONSES, "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}").param());
    assertNull(parse(Endpoint.RESPONSES, "{\"model\":\"m\",\"input\":\"x\",\"stream_options\":{\"include_obfuscation\":false}}")
        .error(), "stream_options is chat's rule, not the Responses API's");
  }

  @Test
  void anthropicMessagesNeedMessagesAndMaxTokens() {
    CompletionRequest request = parse(Endpoint.MESSAGES, "{\"model\":\"m\",\"max_tokens\":100,\"system\":\"" + "s".repeat(30)
        + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}").request();
    assertEquals(100, request.maxTokens());
    assertTrue(request.promptTokenEstimate() >= 10, "the system prompt counts");
    assertEquals("max_tokens", error(Endpoint.MESSAGES, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").param());
    assertEquals("messages", error(Endpoint.MESSAGES, "{\"model\":\"m\",\"max_tokens\":5}").param());
    assertNull(parse(Endpoint.MESSAGES_COUNT_TOKENS, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").error(),
        "count_tokens generates nothing and takes no max_tokens");
  }

  @Test
  void poolingAndUtilityEndpointsNeedTheirInputsAndAModelToRouteBy() {
    CompletionRequest rerank = parse(Endpoint.RERANK_V2, "{\"model\":\"r\",\"query\":\"" + "q".repeat(15)
        + "\",\"documents\":[\"" + "d".repeat(15) + "\",{\"content\":[{\"type\":\"text\",\"text\":\"" + "e".repeat(15) + "\"}]}]}").request();
    assertEquals(15, rerank.promptTokenEstimate(), "the query and every document count");
    assertFalse(rerank.stream());
    assertEquals("query", error(Endpoint.RERANK_V1, "{\"model\":\"r\",\"documents\":[\"a\"]}").param());
    assertNull(parse(Endpoint.SCORE, "{\"model\":\"r\",\"text_1\":\"a\",\"text_2\":[\"b\"]}").error());
    assertEquals("tokens", error(Endpoint.DETOKENIZE, "{\"model\":\"m\"}").param());
    assertEquals("model", error(Endpoint.TOKENIZE, "{\"prompt\":\"x\"}").param(),
        "vLLM serves its one model without a name; the gateway routes by it");
    assertFalse(parse(Endpoint.TOKENIZE, "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true}").request().stream(),
        "only generating endpoints stream");
  }
}
