package io.tollgate.gateway.http;

import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * An error as OpenAI's API returns it: {@code {"error":{"message","type","param","code"}}} with
 * its HTTP status. {@link #of} is the one place where a reason becomes a status and a type. On the
 * Anthropic Messages paths the same error is rendered in Anthropic's shape ({@link #toBuffer(Endpoint.Dialect)}).
 */
public record ApiError(int status, String message, String type, String param, String code) {

  public static ApiError of(Refusal refusal) {
    String message = refusal.message();
    String param = refusal.param();
    String code = refusal.code();
    return switch (refusal.reason()) {
      case INVALID_JSON, MISSING_PARAMETER, INVALID_TYPE, INVALID_VALUE, INVALID_BODY ->
          new ApiError(400, message, "invalid_request_error", param, code);
      case UNSUPPORTED_ENCODING -> new ApiError(415, message, "invalid_request_error", param, code);
      case BODY_TOO_LARGE -> new ApiError(413, message, "invalid_request_error", param, code);
      case BODY_TIMEOUT -> new ApiError(408, message, "invalid_request_error", param, code);
      // nginx's status for a request the client abandoned: nobody reads it, logs and metrics do.
      case CLIENT_CLOSED -> new ApiError(499, message, "invalid_request_error", param, code);
      case NOT_FOUND, MODEL_NOT_FOUND -> new ApiError(404, message, "invalid_request_error", param, code);
      case METHOD_NOT_ALLOWED -> new ApiError(405, message, "invalid_request_error", param, code);
      case MISSING_KEY, INVALID_KEY, KEY_EXPIRED, KEY_REVOKED ->
          new ApiError(401, message, "authentication_error", param, code);
      case MODEL_NOT_ALLOWED -> new ApiError(403, message, "permission_error", param, code);
      case RATE_LIMITED -> new ApiError(429, message, "rate_limit_error", param, code);
      case INSUFFICIENT_QUOTA -> new ApiError(429, message, "insufficient_quota", param, code);
      case KEY_STORE_UNAVAILABLE, LIMITER_UNAVAILABLE, NO_HEALTHY_BACKEND, BACKENDS_SATURATED, SHUTTING_DOWN ->
          new ApiError(503, message, "api_error", param, code);
      case UPSTREAM_TIMEOUT -> new ApiError(504, message, "api_error", param, code);
      case UPSTREAM_ERROR, BACKEND_CERTIFICATE_REJECTED -> new ApiError(502, message, "api_error", param, code);
      case UPSTREAM_REJECTED -> new ApiError(refusal.upstreamStatus(), message,
          refusal.upstreamStatus() == 429 ? "rate_limit_error" : "invalid_request_error", param, code);
      case INTERNAL -> new ApiError(500, message, "api_error", param, code);
    };
  }

  /** A refusal at the front door (framing, sizes, deadlines), rendered in OpenAI's shape. */
  public static Buffer frontDoorRefusal(int status, String code, String message) {
    return new ApiError(status, message, "invalid_request_error", null, code).toBuffer();
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject()
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code);
    return new JsonObject().put("error", error);
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }

  /** The error in the shape the endpoint's callers parse. */
  public Buffer toBuffer(Endpoint.Dialect dialect) {
    return dialect == Endpoint.Dialect.ANTHROPIC ? toAnthropicJson().toBuffer() : toBuffer();
  }

  /** Anthropic's shape: {@code {"type":"error","error":{"type","message"}}}, with its error types. */
  public JsonObject toAnthropicJson() {
    return new JsonObject().put("type", "error")
        .put("error", new JsonObject().put("type", anthropicType()).put("message", message));
  }

  /** Anthropic's error type for this error (its SDKs pick their exception by status, the type is for people). */
  String anthropicType() {
    if ("insufficient_quota".equals(type)) {
      return "billing_error";
    }
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  /** The same error as a final SSE event, for failures after a stream has started. */
  public Buffer toSseEvent() {
    return Buffer.buffer("data: ").appendBuffer(toBuffer()).appendString("\n\n");
  }

  /** Anthropic's mid-stream error: {@code event: error}. */
  public Buffer toAnthropicSseEvent() {
    return Buffer.buffer("event: error\ndata: ").appendBuffer(toAnthropicJson().toBuffer()).appendString("\n\n");
  }

  /**
   * The Responses API's failure event, ending a stream the backend cut: the response as it was
   * opened, now {@code failed} with the error, numbered after the last event.
   */
  public Buffer toResponseFailedEvent(JsonObject openedResponse, int sequenceNumber) {
    JsonObject response = openedResponse == null ? new JsonObject().put("object", "response") : openedResponse.copy();
    response.put("status", "failed")
        .put("error", new JsonObject().put("code", status == 504 ? "timeout" : "server_error").put("message", message));
    JsonObject event = new JsonObject().put("type", "response.failed").put("sequence_number", sequenceNumber)
        .put("response", response);
    return Buffer.buffer("event: response.failed\ndata: ").appendBuffer(event.toBuffer()).appendString("\n\n");
  }
}
