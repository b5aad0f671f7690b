package io.tollgate.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * An error as OpenAI's API returns it: {@code {"error":{"message","type","param","code"}}} with
 * the matching HTTP status. Every stage that ends a request early ends it with one of these, and
 * the mapping from failure to status lives here, in one place.
 */
public record ApiError(int status, String message, String type, String param, String code) {

  public static ApiError invalidRequest(String message, String param, String code) {
    return new ApiError(400, message, "invalid_request_error", param, code);
  }

  public static ApiError invalidJson(String detail) {
    return invalidRequest("We could not parse the JSON body of your request: " + detail, null, "invalid_json");
  }

  public static ApiError missingField(String field) {
    return invalidRequest("Missing required parameter: '" + field + "'.", field, "missing_required_parameter");
  }

  public static ApiError bodyTooLarge(long limit) {
    return new ApiError(413, "Request body is larger than the limit of " + limit + " bytes.",
        "invalid_request_error", null, "request_too_large");
  }

  /** The front door cut the connection at the body deadline (it answered 408 itself). */
  public static ApiError bodyTimeout(long timeoutMs) {
    return new ApiError(408, "The request body was not received within " + timeoutMs + " ms.",
        "invalid_request_error", null, "request_timeout");
  }

  /** The client went away before its request was read; nobody reads this answer (499 as nginx logs it). */
  public static ApiError clientClosed() {
    return new ApiError(499, "The client closed the connection before sending the whole request.",
        "invalid_request_error", null, "client_disconnected");
  }

  public static ApiError unsupportedEncoding(String encoding) {
    String shown = encoding.length() > 64 ? encoding.substring(0, 64) + "…" : encoding;
    return new ApiError(415, "Content-Encoding '" + shown + "' is not supported: send the body uncompressed.",
        "invalid_request_error", null, "unsupported_content_encoding");
  }

  public static ApiError unknownModel(String model) {
    return new ApiError(404, "The model `" + model + "` does not exist or you do not have access to it.",
        "invalid_request_error", "model", "model_not_found");
  }

  public static ApiError notFound(String path) {
    return new ApiError(404, "Unknown path " + path + ".", "invalid_request_error", null, "not_found");
  }

  public static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(405, "Method " + method + " is not allowed on " + path + ".",
        "invalid_request_error", null, "method_not_allowed");
  }

  public static ApiError missingKey() {
    return new ApiError(401, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
        "authentication_error", null, "missing_api_key");
  }

  public static ApiError invalidKey() {
    return new ApiError(401, "Incorrect API key provided.", "authentication_error", null, "invalid_api_key");
  }

  public static ApiError modelNotAllowed(String model) {
    return new ApiError(403, "This API key is not allowed to use the model `" + model + "`.",
        "permission_error", "model", "model_not_allowed");
  }

  public static ApiError rateLimited(String message) {
    return new ApiError(429, message, "rate_limit_error", null, "rate_limit_exceeded");
  }

  /** OpenAI's answer when the account's quota (here: a budget) is used up. */
  public static ApiError insufficientQuota(String message) {
    return new ApiError(429, message, "insufficient_quota", null, "insufficient_quota");
  }

  /** Platform mode, Redis unreachable, fail-closed policy. */
  public static ApiError limiterUnavailable() {
    return new ApiError(503, "Rate limiting is unavailable and this gateway is configured to fail closed. Retry shortly.",
        "api_error", null, "limiter_unavailable");
  }

  /** Platform mode: the key store (Redis) cannot answer and the key is not cached. */
  public static ApiError keyStoreUnavailable() {
    return new ApiError(503, "API keys cannot be checked right now. Retry shortly.", "api_error", null,
        "key_store_unavailable");
  }

  public static ApiError noHealthyBackend(String model) {
    return new ApiError(503, "No healthy backend is available for model `" + model + "`. Try again shortly.",
        "api_error", null, "no_healthy_backend");
  }

  public static ApiError upstreamTimeout(String what) {
    return new ApiError(504, "The model backend timed out (" + what + ").", "api_error", null, "upstream_timeout");
  }

  public static ApiError upstreamFailed(String detail) {
    return new ApiError(502, "The model backend failed: " + detail, "api_error", null, "upstream_error");
  }

  public static ApiError shuttingDown() {
    return new ApiError(503, "The gateway is shutting down. Retry on another replica.", "api_error", null,
        "shutting_down");
  }

  public static ApiError internal(String detail) {
    return new ApiError(500, "Internal gateway error: " + detail, "api_error", null, "internal_error");
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
