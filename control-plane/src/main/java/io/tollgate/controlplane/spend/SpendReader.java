package io.tollgate.controlplane.spend;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What the gateways have charged in the current budget period, read where they keep it
 * (docs/platform-mode.md): micro-USD at {@code {<prefix>:<org>}:o:spend:<period>} for the org and
 * {@code {<prefix>:<org>}:k:<key>:spend:<period>} per key, periods "d2026-11-25" or "m2026-11" (UTC).
 * Amounts include reservations of requests still running.
 */
public final class SpendReader {

  private final Redis redis;
  private final String prefix;

  public SpendReader(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  static String periodId(String period, Instant now) {
    LocalDate date = now.atZone(ZoneOffset.UTC).toLocalDate();
    return "day".equals(period) ? "d" + date : "m" + date.toString().substring(0, 7);
  }

  /**
   * Adds {@code period} and {@code spentUsd} to the org's budget and to each key budget
   * ({@code {key, limitUsd, period}}); one MGET, since all keys share the org's hash tag.
   */
  public Future<Void> fill(String org, JsonObject orgBudget, JsonArray keyBudgets, Instant now) {
    String tag = "{" + prefix + ":" + org + "}";
    Request mget = Request.cmd(Command.MGET);
    String orgPeriod = periodId(orgBudget == null ? "month" : orgBudget.getString("period"), now);
    mget.arg(tag + ":o:spend:" + orgPeriod);
    keyBudgets.forEach(item -> {
      JsonObject key = (JsonObject) item;
      mget.arg(tag + ":k:" + key.getString("key") + ":spend:" + periodId(key.getString("period"), now));
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
