package io.tollgate.controlplane.store;

import io.tollgate.controlplane.alerts.Alert;
import io.tollgate.controlplane.alerts.Budget;
import io.tollgate.controlplane.alerts.Channel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Budget alerts (ADR 0012): the watched budgets, the alerts recorded once each, their delivery
 * outbox and its attempts, and the spend samples the forecast reads.
 */
public final class AlertStore {

  private AlertStore() {
  }

  /** Every org budget and every live key's budget, with its thresholds. */
  public static Future<List<Budget>> budgets(SqlClient client) {
    return client.query("SELECT name AS org, 'org' AS scope, name AS scope_id, budget_usd::float8 AS limit_usd, "
            + "budget_period AS period, budget_alerts FROM orgs WHERE budget_usd IS NOT NULL "
            + "UNION ALL SELECT org, 'key', id, budget_usd::float8, budget_period, budget_alerts FROM api_keys "
            + "WHERE budget_usd IS NOT NULL AND NOT revoked AND (expires_at IS NULL OR expires_at > now()) "
            + "ORDER BY org, scope DESC, scope_id").execute()
        .map(rows -> {
          List<Budget> budgets = new ArrayList<>();
          for (Row row : rows) {
            Integer[] alerts = row.getArrayOfIntegers("budget_alerts");
            budgets.add(new Budget(row.getString("org"), row.getString("scope"), row.getString("scope_id"),
                Math.round(row.getDouble("limit_usd") * 1_000_000), row.getString("period") == null ? "month"
                : row.getString("period"), alerts == null ? null : Arrays.asList(alerts)));
          }
          return budgets;
        });
  }

  /**
   * Records the alert unless an instance did already (same org, budget, period, kind, threshold and
   * limit), and queues it for each of the org's channels, in one transaction. Null when it existed.
   */
  public static Future<Alert> record(Pool pool, Alert alert) {
    Budget budget = alert.budget();
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO budget_alerts (org, scope, scope_id, period, "
                + "kind, threshold, limit_micros, spent_micros, crossed_at, runs_out_at, period_end) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id")
            .execute(Tuple.from(new Object[] {budget.org(), budget.scope(), budget.scopeId(), alert.periodId(),
                alert.kind(), alert.threshold(), alert.limitMicros(), alert.spentMicros(), utc(alert.crossedAt()),
                utc(alert.runsOutAt()), utc(alert.periodEnd())}))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture((Alert) null);
              }
              long id = rows.iterator().next().getLong("id");
              return tx.preparedQuery("INSERT INTO alert_deliveries (alert_id, org, channel) "
                      + "SELECT $1, org, id FROM alert_channels WHERE org = $2")
                  .execute(Tuple.of(id, budget.org()))
                  .map(inserted -> alert.withId(id));
            }))
        .recover(Tx::mapFailure);
  }

  /** A delivery a worker holds for one attempt. */
  public record Due(Alert alert, Channel channel, int attempt) {
  }

  /**
   * Claims up to {@code limit} deliveries that are due: each is leased to this caller for
   * {@code leaseMillis} (its next attempt time moves past the lease, so no other instance takes it
   * while it is sent) and its attempt counted. Rows another instance is claiming are skipped.
   */
  public static Future<List<Due>> claimDue(Pool pool, int limit, long leaseMillis) {
    return pool.preparedQuery("UPDATE alert_deliveries d SET attempts = d.attempts + 1, "
            + "next_attempt_at = now() + $2 * interval '1 millisecond' "
            + "FROM (SELECT alert_id, channel FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= now() "
            + "ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due, budget_alerts a, alert_channels c "
            + "WHERE d.alert_id = due.alert_id AND d.channel = due.channel AND a.id = d.alert_id "
            + "AND c.org = d.org AND c.id = d.channel "
            + "RETURNING d.attempts, a.*, c.id AS channel_id, c.type, c.target, c.secret")
        .execute(Tuple.of(limit, leaseMillis))
        .map(rows -> {
          List<Due> due = new ArrayList<>();
          for (Row row : rows) {
            due.add(new Due(alert(row), new Channel(row.getString("org"), row.getString("channel_id"),
                row.getString("type"), row.getString("target"), row.getString("secret")), row.getInteger("attempts")));
          }
          return due;
        });
  }

  /** The attempt reached the channel. */
  public static Future<Void> delivered(Pool pool, Due due) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE alert_deliveries SET status = 'delivered', "
                + "delivered_at = now(), last_error = NULL WHERE alert_id = $1 AND channel = $2")
            .execute(Tuple.of(due.alert().id(), due.channel().id()))
            .compose(v -> attempt(tx, due, "delivered", null)))
        .mapEmpty();
  }

  /**
   * The attempt failed for {@code reason}: tried again after {@code retryMillis}, or, when that is
   * negative (attempts used up), the delivery fails for good.
   */
  public static Future<Void> failed(Pool pool, Due due, String reason, long retryMillis) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE alert_deliveries SET last_error = $3, "
                + "status = CASE WHEN $4 < 0 THEN 'failed' ELSE 'pending' END, "
                + "next_attempt_at = now() + greatest($4, 0) * interval '1 millisecond' "
                + "WHERE alert_id = $1 AND channel = $2")
            .execute(Tuple.of(due.alert().id(), due.channel().id(), reason, retryMillis))
            .compose(v -> attempt(tx, due, "failed", reason)))
        .mapEmpty();
  }

  private static Future<Void> attempt(SqlClient tx, Due due, String result, String reason) {
    return tx.preparedQuery("INSERT INTO alert_attempts (alert_id, channel, attempt, result, reason) "
            + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(due.alert().id(), due.channel().id(), due.attempt(), result, reason))
        .mapEmpty();
  }

  /**
   * A page of the org's alerts, newest first, each with its deliveries and their attempts;
   * {@code before} is the previous page's {@code next} (null: the first page).
   */
  public static Future<JsonObject> history(SqlClient client, String org, Long before, int limit) {
    return client.preparedQuery("SELECT a.*, (SELECT COALESCE(jsonb_agg(jsonb_build_object('channel', d.channel, "
            + "'status', d.status, 'attempts', d.attempts, 'lastError', d.last_error, 'deliveredAt', d.delivered_at, "
            + "'tries', (SELECT COALESCE(jsonb_agg(jsonb_build_object('attempt', t.attempt, 'at', t.at, "
            + "'result', t.result, 'reason', t.reason) ORDER BY t.attempt), '[]'::jsonb) FROM alert_attempts t "
            + "WHERE t.alert_id = d.alert_id AND t.channel = d.channel)) ORDER BY d.channel), '[]'::jsonb) "
            + "FROM alert_deliveries d WHERE d.alert_id = a.id) AS deliveries "
            + "FROM budget_alerts a WHERE a.org = $1 AND ($2::bigint IS NULL OR a.id < $2) ORDER BY a.id DESC LIMIT $3")
        .execute(Tuple.of(org, before, limit + 1))
        .map(rows -> {
          JsonArray alerts = new JsonArray();
          Long next = null;
          for (Row row : rows) {
            if (alerts.size() == limit) {
              next = alerts.getJsonObject(limit - 1).getLong("id");
              break;
            }
            Alert alert = alert(row);
            alerts.add(alert.toJson().put("deliveries", row.getJsonArray("deliveries")));
          }
          return new JsonObject().put("alerts", alerts).put("next", next);
        });
  }

  private static Alert alert(Row row) {
    Budget budget = new Budget(row.getString("org"), row.getString("scope"), row.getString("scope_id"),
        row.getLong("limit_micros"), row.getString("period").startsWith("d") ? "day" : "month", null);
    OffsetDateTime runsOut = row.getOffsetDateTime("runs_out_at");
    return new Alert(row.getLong("id"), budget, row.getString("period"), row.getString("kind"),
        row.getInteger("threshold"), row.getLong("limit_micros"), row.getLong("spent_micros"),
        row.getOffsetDateTime("crossed_at").toInstant(), runsOut == null ? null : runsOut.toInstant(),
        row.getOffsetDateTime("period_end").toInstant());
  }

  /** Keeps one spend sample per budget and slot (the first instance to write it wins). */
  public static Future<Void> sample(SqlClient client, Budget budget, String periodId, long slot, Instant at,
                                    long spentMicros) {
    return client.preparedQuery("INSERT INTO spend_samples (org, scope, scope_id, period, slot, at, spent_micros) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(budget.org(), budget.scope(), budget.scopeId(), periodId, slot, utc(at), spentMicros))
        .mapEmpty();
  }

  /** A spend sample: when, and the spend then. */
  public record Sample(Instant at, long spentMicros) {
  }

  /** The period's oldest sample taken at or after {@code since}; null when there is none. */
  public static Future<Sample> oldestSample(SqlClient client, Budget budget, String periodId, Instant since) {
    return client.preparedQuery("SELECT at, spent_micros FROM spend_samples WHERE org = $1 AND scope = $2 "
            + "AND scope_id = $3 AND period = $4 AND at >= $5 ORDER BY at LIMIT 1")
        .execute(Tuple.of(budget.org(), budget.scope(), budget.scopeId(), periodId, utc(since)))
        .map(rows -> rows.size() == 0 ? null : new Sample(rows.iterator().next().getOffsetDateTime("at").toInstant(),
            rows.iterator().next().getLong("spent_micros")));
  }

  /** Samples of periods that ended before {@code before} are of no more use. */
  public static Future<Void> forgetSamples(SqlClient client, Instant before) {
    return client.preparedQuery("DELETE FROM spend_samples WHERE at < $1").execute(Tuple.of(utc(before))).mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
