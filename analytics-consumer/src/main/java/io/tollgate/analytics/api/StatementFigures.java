package io.tollgate.analytics.api;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.math.BigDecimal;

/**
 * What a statement counts for one line, one model, one key or the whole month. The cost stays an
 * exact decimal (the store keeps it to 1e-12 USD) and goes out as a decimal string, so no sum
 * picks up binary floating-point error on its way to an invoice.
 */
record StatementFigures(long requests, long errors, long promptTokens, long completionTokens, long cachedTokens,
                        long reasoningTokens, BigDecimal costUsd) {

  static final StatementFigures ZERO = new StatementFigures(0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

  /** From a row of StatementQueries' lines. */
  static StatementFigures of(Row row) {
    return new StatementFigures(row.getLong("requests"), row.getLong("errors"), row.getLong("prompt_tokens"),
        row.getLong("completion_tokens"), row.getLong("cached_tokens"), row.getLong("reasoning_tokens"),
        row.getBigDecimal("cost_usd"));
  }

  StatementFigures plus(StatementFigures other) {
    return new StatementFigures(requests + other.requests, errors + other.errors,
        promptTokens + other.promptTokens, completionTokens + other.completionTokens,
        cachedTokens + other.cachedTokens, reasoningTokens + other.reasoningTokens, costUsd.add(other.costUsd));
  }

  /** The cost as plain decimal text without trailing zeros ("0.0000172", "12", "0"). */
  String cost() {
    return costUsd.signum() == 0 ? "0" : costUsd.stripTrailingZeros().toPlainString();
  }

  JsonObject json() {
    return new JsonObject().put("requests", requests).put("errors", errors).put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens).put("cached_tokens", cachedTokens)
        .put("reasoning_tokens", reasoningTokens).put("cost_usd", cost());
  }
}
