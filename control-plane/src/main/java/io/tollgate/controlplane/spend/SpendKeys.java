package io.tollgate.controlplane.spend;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where the gateways keep spend in Redis, read from the contract both sides share
 * (config/schemas/redis-spend.json) rather than written down a second time here: the key templates
 * and the period ids. SpendKeysContractTest checks this against the contract's examples, and
 * SpendContractTest against what a real gateway charges.
 */
public final class SpendKeys {

  private static final String CONTRACT = "tollgate-config/schemas/redis-spend.json";
  private static final JsonObject LAYOUT = read();

  private SpendKeys() {
  }

  /** The org's spend key for the budget period ("day" or "month") that contains {@code now}. */
  public static String org(String prefix, String org, String period, Instant now) {
    return fill(LAYOUT.getJsonObject("keys").getString("orgSpend"), prefix, org, null, periodId(period, now));
  }

  /** A key's spend key for the budget period that contains {@code now}. */
  public static String key(String prefix, String org, String key, String period, Instant now) {
    return fill(LAYOUT.getJsonObject("keys").getString("keySpend"), prefix, org, key, periodId(period, now));
  }

  /** The org budget's alert markers (a hash: percent → "limit:spent:at") for the period containing {@code now}. */
  public static String orgAlerts(String prefix, String org, String period, Instant now) {
    return fill(LAYOUT.getJsonObject("keys").getString("orgAlerts"), prefix, org, null, periodId(period, now));
  }

  /** A key budget's alert markers for the period containing {@code now}. */
  public static String keyAlerts(String prefix, String org, String key, String period, Instant now) {
    return fill(LAYOUT.getJsonObject("keys").getString("keyAlerts"), prefix, org, key, periodId(period, now));
  }

  /** "d2026-11-25" or "m2026-11" (UTC), from the contract's patterns. */
  public static String periodId(String period, Instant now) {
    String pattern = LAYOUT.getJsonObject("periods").getString("day".equals(period) ? "day" : "month");
    int open = pattern.indexOf('{');
    String date = DateTimeFormatter.ofPattern(pattern.substring(open + 1, pattern.indexOf('}')))
        .format(now.atZone(ZoneOffset.UTC));
    return pattern.substring(0, open) + date;
  }

  private static String fill(String template, String prefix, String org, String key, String period) {
    String filled = template.replace("{prefix}", prefix).replace("{org}", org).replace("{period}", period);
    return key == null ? filled : filled.replace("{key}", key);
  }

  private static JsonObject read() {
    try (InputStream in = SpendKeys.class.getClassLoader().getResourceAsStream(CONTRACT)) {
      if (in == null) {
        throw new IllegalStateException(CONTRACT + " is not on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
