package io.tollgate.gateway.outcome;

/**
 * A request's ending for a reason, with what the caller is told. No HTTP here: the boundary maps
 * the reason to a status and an error type ({@code io.tollgate.gateway.http.ApiError}).
 *
 * @param reason         why
 * @param message        the sentence for the caller
 * @param param          the request field at fault, or null
 * @param code           OpenAI's error code as sent (usually the reason's; a backend's own for
 *                       {@link Reason#UPSTREAM_REJECTED}, possibly null)
 * @param upstreamStatus for {@link Reason#UPSTREAM_REJECTED}: the backend's 4xx status; else 0
 */
public record Refusal(Reason reason, String message, String param, String code, int upstreamStatus) {

  public Refusal(Reason reason, String message, String param) {
    this(reason, message, param, reason.code(), 0);
  }

  public Refusal(Reason reason, String message) {
    this(reason, message, null);
  }

  /** The error kind recorded in usage events, metrics and logs: never null. */
  public String kind() {
    return code != null ? code : reason.code();
  }

  public static Refusal invalidJson(String detail) {
    return new Refusal(Reason.INVALID_JSON, "We could not parse the JSON body of your request: " + detail);
  }

  public static Refusal missingField(String field) {
    return new Refusal(Reason.MISSING_PARAMETER, "Missing required parameter: '" + field + "'.", field);
  }

  public static Refusal invalidType(String field, String message) {
    return new Refusal(Reason.INVALID_TYPE, message, field);
  }

  public static Refusal invalidValue(String field, String message) {
    return new Refusal(Reason.INVALID_VALUE, message, field);
  }

  public static Refusal invalidBody(String detail) {
    return new Refusal(Reason.INVALID_BODY, "Could not read the request body: " + detail);
  }

  public static Refusal bodyTooLarge(long limit) {
    return new Refusal(Reason.BODY_TOO_LARGE, "Request body is larger than the limit of " + limit + " bytes.");
  }

  /** The front door cut the connection at the body deadline (it answered 408 itself). */
  public static Refusal bodyTimeout(long timeoutMs) {
    return new Refusal(Reason.BODY_TIMEOUT, "The request body was not received within " + timeoutMs + " ms.");
  }

  /** The client went away before its request was read; nobody reads this answer. */
  public static Refusal clientClosed() {
    return new Refusal(Reason.CLIENT_CLOSED, "The client closed the connection before sending the whole request.");
  }

  public static Refusal unsupportedEncoding(String encoding) {
    String shown = encoding.length() > 64 ? encoding.substring(0, 64) + "…" : encoding;
    return new Refusal(Reason.UNSUPPORTED_ENCODING,
        "Content-Encoding '" + shown + "' is not supported: send the body uncompressed.");
  }

  public static Refusal notFound(String path) {
    return new Refusal(Reason.NOT_FOUND, "Unknown path " + path + ".");
  }

  /** vLLM's answer for a response id it does not hold, as the gateway gives it for one it cannot place. */
  public static Refusal responseNotFound(String id, String param) {
    return new Refusal(Reason.NOT_FOUND, "Response with id '" + id + "' not found.", param);
  }

  public static Refusal methodNotAllowed(String method, String path) {
    return new Refusal(Reason.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed on " + path + ".");
  }

  public static Refusal missingKey() {
    return missingKey("Authorization: Bearer <key>");
  }

  /** No key came; {@code howToSend} is the header as the endpoint's clients send it. */
  public static Refusal missingKey(String howToSend) {
    return new Refusal(Reason.MISSING_KEY, "You didn't provide an API key. Send it as '" + howToSend + "'.");
  }

  /** This refusal as Anthropic's clients need it: a missing key asks for {@code x-api-key}. */
  public Refusal forAnthropicClients() {
    return reason == Reason.MISSING_KEY ? missingKey("x-api-key: <key>") : this;
  }

  public static Refusal invalidKey() {
    return new Refusal(Reason.INVALID_KEY, "Incorrect API key provided.");
  }

  public static Refusal keyExpired() {
    return new Refusal(Reason.KEY_EXPIRED, "This API key has expired. Ask your administrator for a new one.");
  }

  public static Refusal keyRevoked() {
    return new Refusal(Reason.KEY_REVOKED, "This API key has been revoked.");
  }

  /** Platform mode: the key store (Redis) cannot answer and the key is not cached. */
  public static Refusal keyStoreUnavailable() {
    return new Refusal(Reason.KEY_STORE_UNAVAILABLE, "API keys cannot be checked right now. Retry shortly.");
  }

  public static Refusal unknownModel(String model) {
    return new Refusal(Reason.MODEL_NOT_FOUND,
        "The model `" + model + "` does not exist or you do not have access to it.", "model");
  }

  public static Refusal modelNotAllowed(String model) {
    return new Refusal(Reason.MODEL_NOT_ALLOWED, "This API key is not allowed to use the model `" + model + "`.",
        "model");
  }

  public static Refusal rateLimited(String message) {
    return new Refusal(Reason.RATE_LIMITED, message);
  }

  /** OpenAI's answer when the account's quota (here: a budget) is used up. */
  public static Refusal insufficientQuota(String message) {
    return new Refusal(Reason.INSUFFICIENT_QUOTA, message);
  }

  /** Platform mode, Redis unreachable, fail-closed policy. */
  public static Refusal limiterUnavailable() {
    return new Refusal(Reason.LIMITER_UNAVAILABLE,
        "Rate limiting is unavailable and this gateway is configured to fail closed. Retry shortly.");
  }

  public static Refusal noHealthyBackend(String model) {
    return new Refusal(Reason.NO_HEALTHY_BACKEND,
        "No healthy backend is available for model `" + model + "`. Try again shortly.");
  }

  public static Refusal upstreamTimeout(String what) {
    return new Refusal(Reason.UPSTREAM_TIMEOUT, "The model backend timed out (" + what + ").");
  }

  /** The TLS handshake with a backend failed: its certificate is not one this gateway trusts for its name. */
  public static Refusal backendCertificateRejected(String backend, String detail) {
    return new Refusal(Reason.BACKEND_CERTIFICATE_REJECTED, "The model backend `" + backend
        + "` could not be reached securely: its TLS certificate did not verify (" + detail
        + "). The gateway trusts the CA in tls.backendCaFile and checks the host name of the backend's URL.");
  }

  public static Refusal upstreamFailed(String detail) {
    return new Refusal(Reason.UPSTREAM_ERROR, "The model backend failed: " + detail);
  }

  /** A 4xx the backend sent about the request: its status, message, param and code carried on. */
  /** The backends are at their queue caps (vLLM's --max-num-queued-reqs/-tokens answered 503). */
  public static Refusal backendsSaturated(String model) {
    return new Refusal(Reason.BACKENDS_SATURATED,
        "The backends of model `" + model + "` are at capacity. Retry shortly.");
  }

  public static Refusal upstreamRejected(int status, String message, String param, String code) {
    return new Refusal(Reason.UPSTREAM_REJECTED, message, param, code, status);
  }

  public static Refusal shuttingDown() {
    return new Refusal(Reason.SHUTTING_DOWN, "The gateway is shutting down. Retry on another replica.");
  }

  public static Refusal internal(String detail) {
    return new Refusal(Reason.INTERNAL, "Internal gateway error: " + detail);
  }
}
