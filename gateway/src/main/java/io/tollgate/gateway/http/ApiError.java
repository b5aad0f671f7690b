package io.tollgate.gateway.http;

import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * An error as OpenAI's API returns it: {@code {"error":{"message","type","param","code"}}} with
 * its HTTP status. {@link #of} is the one place where a reason becomes a status and a type.
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
      case KEY_STORE_UNAVAILABLE, LIMITER_UNAVAILABLE, NO_HEALTHY_BACKEND, SHUTTING_DOWN ->
          new ApiError(503, message, "api_error", param, code);
      case UPSTREAM_TIMEOUT -> new ApiError(504, message, "api_error", param, code);
      case UPSTREAM_ERROR -> new ApiError(502, message, "api_error", param, code);
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

  /** The same error as a final SSE event, for failures after a stream has started. */
  public Buffer toSseEvent() {
    return Buffer.buffer("data: ").appendBuffer(toBuffer()).appendString("\n\n");
  }
}
