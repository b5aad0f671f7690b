package io.tollgate.gateway.http;

import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiErrorTest {

  @Test
  void onTheMessagesPathsErrorsAreInAnthropicsShapeWithItsTypes() {
    JsonObject invalid = new JsonObject(ApiError.of(Refusal.invalidKey()).toBuffer(Endpoint.Dialect.ANTHROPIC));
    assertEquals("error", invalid.getString("type"));
    assertEquals("authentication_error", invalid.getJsonObject("error").getString("type"));
    assertEquals("Incorrect API key provided.", invalid.getJsonObject("error").getString("message"));
    assertEquals("rate_limit_error", ApiError.of(Refusal.rateLimited("slow down")).anthropicType());
    assertEquals("billing_error", ApiError.of(Refusal.insufficientQuota("budget spent")).anthropicType());
    assertEquals("not_found_error", ApiError.of(Refusal.unknownModel("x")).anthropicType());
    assertEquals("request_too_large", ApiError.of(Refusal.bodyTooLarge(10)).anthropicType());
    assertEquals("overloaded_error", ApiError.of(Refusal.noHealthyBackend("m")).anthropicType());
    assertEquals("invalid_request_error", ApiError.of(Refusal.missingField("max_tokens")).anthropicType());
  }

  @Test
  void openAiCallersKeepOpenAisShape() {
    JsonObject error = new JsonObject(ApiError.of(Refusal.invalidKey()).toBuffer(Endpoint.Dialect.OPENAI));
    assertEquals("invalid_api_key", error.getJsonObject("error").getString("code"));
    assertEquals("authentication_error", error.getJsonObject("error").getString("type"));
  }

  @Test
  void aCutResponsesStreamEndsWithResponseFailedForTheResponseItOpened() {
    String event = ApiError.of(Refusal.upstreamFailed("the stream ended before it was complete"))
        .toResponseFailedEvent(new JsonObject().put("id", "resp_7").put("status", "in_progress"), 9).toString();
    assertTrue(event.startsWith("event: response.failed\ndata: "), event);
    assertTrue(event.endsWith("\n\n"));
    JsonObject data = new JsonObject(event.substring(event.indexOf("data: ") + 6).trim());
    assertEquals("response.failed", data.getString("type"));
    assertEquals(9, data.getInteger("sequence_number"));
    assertEquals("resp_7", data.getJsonObject("response").getString("id"));
    assertEquals("failed", data.getJsonObject("response").getString("status"));
    assertEquals("server_error", data.getJsonObject("response").getJsonObject("error").getString("code"));
  }

  @Test
  void aCutMessagesStreamEndsWithAnErrorEvent() {
    String event = ApiError.of(Refusal.upstreamTimeout("no token for 30000 ms")).toAnthropicSseEvent().toString();
    assertTrue(event.startsWith("event: error\ndata: {\"type\":\"error\""), event);
  }
}
