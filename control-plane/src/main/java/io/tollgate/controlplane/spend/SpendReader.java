package io.tollgate.controlplane.spend;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;

/**
 * What the gateways have charged in the current budget period, read where they keep it: the keys
 * of the contract config/schemas/redis-spend.json ({@link SpendKeys}), in micro-USD. Amounts
 * include reservations of requests still running.
 */
public final class SpendReader {

  private final Redis redis;
  private final String prefix;

  public SpendReader(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Adds {@code period} and {@code spentUsd} to the org's budget and to each key budget
   * ({@code {key, limitUsd, period}}); one MGET, since all keys share the org's hash tag.
   */
  public Future<Void> fill(String org, JsonObject orgBudget, JsonArray keyBudgets, Instant now) {
    Request mget = Request.cmd(Command.MGET);
    mget.arg(SpendKeys.org(prefix, org, orgBudget == null ? "month" : orgBudget.getString("period"), now));
    keyBudgets.forEach(item -> {
      JsonObject key = (JsonObject) item;
      mget.arg(SpendKeys.key(prefix, org, key.getString("key"), key.getString("period"), now));
    });
    return redis.send(mget).map(values -> {
      if (orgBudget != null) {
        orgBudget.put("spentUsd", usd(values.get(0)));
      }
      for (int i = 0; i < keyBudgets.size(); i++) {
        keyBudgets.getJsonObject(i).put("spentUsd", usd(values.get(i + 1)));
      }
      return null;
    });
  }

  private static double usd(Response micros) {
    return micros == null ? 0.0 : micros.toLong() / 1_000_000.0;
  }
}
