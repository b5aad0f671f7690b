package io.tollgate.gateway.outcome;

/**
 * Why a request ended other than with the backend's answer. Stages and the proxy name a reason;
 * the HTTP boundary alone decides which status and error type each one is sent as. The code is
 * OpenAI's {@code error.code}, and the {@code error_kind} of usage events, metrics and logs.
 */
public enum Reason {
  INVALID_JSON("invalid_json"),
  MISSING_PARAMETER("missing_required_parameter"),
  INVALID_TYPE("invalid_type"),
  INVALID_VALUE("invalid_value"),
  INVALID_BODY("invalid_body"),
  BODY_TOO_LARGE("request_too_large"),
  BODY_TIMEOUT("request_timeout"),
  CLIENT_CLOSED("client_disconnected"),
  UNSUPPORTED_ENCODING("unsupported_content_encoding"),
  NOT_FOUND("not_found"),
  METHOD_NOT_ALLOWED("method_not_allowed"),
  MISSING_KEY("missing_api_key"),
  INVALID_KEY("invalid_api_key"),
  KEY_EXPIRED("api_key_expired"),
  KEY_REVOKED("api_key_revoked"),
  KEY_STORE_UNAVAILABLE("key_store_unavailable"),
  MODEL_NOT_FOUND("model_not_found"),
  MODEL_NOT_ALLOWED("model_not_allowed"),
  RATE_LIMITED("rate_limit_exceeded"),
  INSUFFICIENT_QUOTA("insufficient_quota"),
  LIMITER_UNAVAILABLE("limiter_unavailable"),
  NO_HEALTHY_BACKEND("no_healthy_backend"),
  /** Every backend tried refused with 503 before a byte (vLLM's queue caps): waiting helps. */
  BACKENDS_SATURATED("backend_overloaded"),
  UPSTREAM_TIMEOUT("upstream_timeout"),
  UPSTREAM_ERROR("upstream_error"),
  /** An https:// backend's certificate did not verify (untrusted CA, wrong host name, expired): a configuration fault. */
  BACKEND_CERTIFICATE_REJECTED("backend_certificate_rejected"),
  /** The backend refused the request itself (a 4xx it sent): passed on with its status. */
  UPSTREAM_REJECTED("upstream_rejected"),
  SHUTTING_DOWN("shutting_down"),
  INTERNAL("internal_error");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
