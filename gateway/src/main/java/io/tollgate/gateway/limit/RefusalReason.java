package io.tollgate.gateway.limit;

import io.tollgate.gateway.outcome.Refusal;

/**
 * Why an admission was refused. The numeric codes are shared with the Redis admission script
 * (admit.lua), which returns them.
 */
public enum RefusalReason {
  KEY_RPM(1, "requests per minute for this key"),
  KEY_TPM(2, "tokens per minute for this key"),
  ORG_RPM(3, "requests per minute for this organization"),
  ORG_TPM(4, "tokens per minute for this organization"),
  STREAMS(5, "concurrent requests for this key"),
  KEY_BUDGET(6, "budget of this key"),
  ORG_BUDGET(7, "budget of this organization"),
  TOO_LARGE(8, "tokens per minute");

  private final int code;
  private final String what;

  RefusalReason(int code, String what) {
    this.code = code;
    this.what = what;
  }

  public int code() {
    return code;
  }

  public static RefusalReason ofCode(int code) {
    for (RefusalReason reason : values()) {
      if (reason.code == code) {
        return reason;
      }
    }
    throw new IllegalArgumentException("unknown refusal code " + code);
  }

  /** A refusal by a requests- or tokens-per-minute bucket, which refills at a known time. */
  public boolean isRate() {
    return this == KEY_RPM || this == KEY_TPM || this == ORG_RPM || this == ORG_TPM;
  }

  /** Waiting helps for rate limits and streams; not for budgets or a request that can never fit. */
  public boolean retryable() {
    return this != KEY_BUDGET && this != ORG_BUDGET && this != TOO_LARGE;
  }

  /**
   * The client-facing error.
   *
   * @param limit       the limit that refused (or, for TOO_LARGE, the TPM limit)
   * @param detail      for rate limits the retry delay in ms; for TOO_LARGE the tokens asked for
   */
  public Refusal error(long limit, long detail) {
    return switch (this) {
      case KEY_BUDGET, ORG_BUDGET -> Refusal.insufficientQuota("You exceeded the " + what
          + " for the current period; the request's worst-case cost does not fit in what is left.");
      case TOO_LARGE -> Refusal.rateLimited("Request too large: it may use up to " + detail
          + " tokens (prompt estimate + max_tokens) but the limit is " + limit
          + " tokens per minute. Lower max_tokens or the prompt.");
      case STREAMS -> Refusal.rateLimited("Too many concurrent requests: this key allows " + limit + " at once.");
      default -> Refusal.rateLimited("Rate limit reached: " + limit + " " + what + ". Retry in "
          + RateLimitHeaders.duration(detail) + ".");
    };
  }
}
