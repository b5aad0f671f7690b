package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.spend.SpendKeys;
import io.tollgate.controlplane.store.AlertStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Relays what the gateways decided into alerts (ADR 0012): every few seconds, one Redis batch reads
 * each budget's threshold markers and spend; each marker becomes an alert row (a duplicate that
 * another instance, or an earlier poll, recorded is dropped by the store's unique key), and the
 * spend feeds the spend gauges and, once per sample interval, the forecast.
 */
public final class AlertRelay {

  private static final Logger LOG = Logger.getLogger(AlertRelay.class.getName());
  /** A forecast looks back this far for its rate. */
  static final Duration RATE_WINDOW = Duration.ofHours(24);
  /**
   * Markers set just before a period ended are still read this long into the next one (a poll
   * may fall between the crossing and midnight).
   */
  static final Duration LATE_MARKERS = Duration.ofMinutes(10);
  /** Samples older than the longest period (and the rate window before it) are of no more use. */
  static final Duration SAMPLES_KEPT = Duration.ofDays(35);

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final String prefix;
  private final AlertSettings settings;
  private final AlertMetrics metrics;
  private final LongSupplier wallMillis;
  private final AtomicBoolean polling = new AtomicBoolean();
  private final Map<String, Long> sampledSlot = new HashMap<>();
  /** Markers this instance recorded already: not sent to PostgreSQL again every poll. */
  private final java.util.Set<String> relayed = new java.util.HashSet<>();
  private long forgottenSlot = -1;
  private long timer = -1;

  public AlertRelay(Vertx vertx, Pool pool, Redis redis, String prefix, AlertSettings settings, AlertMetrics metrics,
                    LongSupplier wallMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.prefix = prefix;
    this.settings = settings;
    this.metrics = metrics;
    this.wallMillis = wallMillis;
  }

  public void start() {
    timer = vertx.setPeriodic(settings.pollMillis(), id -> {
      // A slow poll is not overlapped by the next one.
      if (polling.compareAndSet(false, true)) {
        poll().onComplete(done -> {
          polling.set(false);
          if (done.failed()) {
            LOG.warning("budget alert poll failed (" + done.cause() + "); tried again in " + settings.pollMillis()
                + " ms");
          }
        });
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One pass; completes with the alerts this instance recorded (new ones only). */
  public Future<List<Alert>> poll() {
    Instant now = Instant.ofEpochMilli(wallMillis.getAsLong());
    return AlertStore.budgets(pool).compose(budgets -> {
      if (budgets.isEmpty()) {
        metrics.orgSpend(List.of());
        return Future.succeededFuture(List.<Alert>of());
      }
      List<Request> reads = new ArrayList<>(budgets.size() * 3);
      Instant earlier = now.minus(LATE_MARKERS);
      for (Budget budget : budgets) {
        reads.add(Request.cmd(Command.GET).arg(spendKey(budget, now)));
        reads.add(Request.cmd(Command.HGETALL).arg(markersKey(budget, now)));
        reads.add(Request.cmd(Command.HGETALL).arg(markersKey(budget, earlier)));
      }
      return redis.batch(reads).compose(answers -> relay(budgets, answers, now, earlier));
    });
  }

  private Future<List<Alert>> relay(List<Budget> budgets, List<Response> answers, Instant now, Instant earlier) {
    List<Alert> found = new ArrayList<>();
    List<AlertMetrics.OrgSpend> orgSpend = new ArrayList<>();
    List<Future<Alert>> forecasts = new ArrayList<>();
    for (int i = 0; i < budgets.size(); i++) {
      Budget budget = budgets.get(i);
      String periodId = SpendKeys.periodId(budget.period(), now);
      Instant periodEnd = budget.periodEnd(now);
      collect(budget, periodId, periodEnd, answers.get(3 * i + 1), found);
      String earlierId = SpendKeys.periodId(budget.period(), earlier);
      if (!earlierId.equals(periodId)) {
        collect(budget, earlierId, budget.periodEnd(earlier), answers.get(3 * i + 2), found);
      }
      Response spent = answers.get(3 * i);
      long spentMicros = spent == null ? 0 : spent.toLong();
      if ("org".equals(budget.scope())) {
        orgSpend.add(new AlertMetrics.OrgSpend(budget.org(), budget.period(), spentMicros / 1_000_000.0,
            budget.limitMicros() / 1_000_000.0));
      }
      forecasts.add(forecast(budget, periodId, spentMicros, now, periodEnd));
    }
    metrics.orgSpend(orgSpend);
    long slot = now.toEpochMilli() / settings.sampleInterval().toMillis();
    if (slot != forgottenSlot) {
      forgottenSlot = slot;
      forecasts.add(AlertStore.forgetSamples(pool, now.minus(SAMPLES_KEPT)).map(v -> (Alert) null));
    }
    return Future.all(forecasts).compose(done -> {
      for (Future<Alert> forecast : forecasts) {
        if (forecast.result() != null) {
          found.add(forecast.result());
        }
      }
      return record(found);
    });
  }

  private void collect(Budget budget, String periodId, Instant periodEnd, Response hash, List<Alert> found) {
    markers(hash).forEach((percent, value) -> {
      Alert alert = fromMarker(budget, periodId, percent, value, periodEnd);
      if (alert != null && !relayed.contains(identity(alert))) {
        found.add(alert);
      }
    });
  }

  private Future<List<Alert>> record(List<Alert> found) {
    List<Future<Alert>> inserts = found.stream().map(alert -> AlertStore.record(pool, alert)).toList();
    return Future.all(inserts).map(done -> {
      List<Alert> recorded = new ArrayList<>();
      if (relayed.size() > 100_000) {
        relayed.clear(); // an alert relayed again is dropped by the store's unique key
      }
      found.forEach(alert -> relayed.add(identity(alert)));
      for (Future<Alert> insert : inserts) {
        if (insert.result() != null) {
          recorded.add(insert.result());
          metrics.alertRecorded(insert.result());
        }
      }
      return recorded;
    });
  }

  /**
   * Samples the spend once per sample interval and, from the oldest sample of the last 24 h in
   * this period (at least the minimum window old), projects when the budget runs out: an alert when
   * that is before the period ends.
   */
  private Future<Alert> forecast(Budget budget, String periodId, long spentMicros, Instant now, Instant periodEnd) {
    long slot = now.toEpochMilli() / settings.sampleInterval().toMillis();
    String id = budget.label() + "|" + periodId;
    Long last = sampledSlot.get(id);
    if (last != null && last == slot) {
      return Future.succeededFuture();
    }
    sampledSlot.put(id, slot);
    if (sampledSlot.size() > 100_000) {
      sampledSlot.clear(); // budgets come and go; re-sampling a slot is harmless (the store keeps one)
    }
    return AlertStore.sample(pool, budget, periodId, slot, now, spentMicros)
        .compose(v -> AlertStore.oldestSample(pool, budget, periodId, now.minus(RATE_WINDOW)))
        .map(oldest -> {
          if (oldest == null || spentMicros >= budget.limitMicros()) {
            return null;
          }
          long spanMillis = now.toEpochMilli() - oldest.at().toEpochMilli();
          long grown = spentMicros - oldest.spentMicros();
          if (spanMillis < settings.forecastMinWindow().toMillis() || grown <= 0) {
            return null;
          }
          double perMilli = (double) grown / spanMillis;
          Instant runsOut = now.plusMillis((long) Math.ceil((budget.limitMicros() - spentMicros) / perMilli));
          if (!runsOut.isBefore(periodEnd)) {
            return null;
          }
          return new Alert(0, budget, periodId, Alert.FORECAST, 0, budget.limitMicros(), spentMicros, now, runsOut,
              periodEnd);
        });
  }

  private static String identity(Alert alert) {
    return alert.budget().label() + "|" + alert.periodId() + "|" + alert.kind() + "|" + alert.threshold() + "|"
        + alert.limitMicros();
  }

  /** A marker "limit:spent:atMicros"; null (and logged) when it cannot be read. */
  private static Alert fromMarker(Budget budget, String periodId, String percent, String value, Instant periodEnd) {
    String[] parts = value.split(":");
    try {
      int threshold = Integer.parseInt(percent);
      long limit = Long.parseLong(parts[0]);
      long spent = Long.parseLong(parts[1]);
      long atMicros = Long.parseLong(parts[2]);
      Instant at = Instant.ofEpochSecond(atMicros / 1_000_000, (atMicros % 1_000_000) * 1_000);
      return new Alert(0, budget, periodId, Alert.THRESHOLD, threshold, limit, spent, at, null, periodEnd);
    } catch (RuntimeException e) {
      LOG.warning("unreadable budget alert marker " + percent + "=" + value + " of " + budget.label());
      return null;
    }
  }

  private static Map<String, String> markers(Response hash) {
    Map<String, String> markers = new HashMap<>();
    if (hash == null || hash.size() == 0) {
      return markers;
    }
    if (hash.getKeys() != null && !hash.getKeys().isEmpty()) {
      for (String field : hash.getKeys()) {
        markers.put(field, hash.get(field).toString());
      }
    } else {
      for (int i = 0; i + 1 < hash.size(); i += 2) {
        markers.put(hash.get(i).toString(), hash.get(i + 1).toString());
      }
    }
    return markers;
  }

  private String markersKey(Budget budget, Instant now) {
    return "org".equals(budget.scope()) ? SpendKeys.orgAlerts(prefix, budget.org(), budget.period(), now)
        : SpendKeys.keyAlerts(prefix, budget.org(), budget.scopeId(), budget.period(), now);
  }

  private String spendKey(Budget budget, Instant now) {
    return "org".equals(budget.scope()) ? SpendKeys.org(prefix, budget.org(), budget.period(), now)
        : SpendKeys.key(prefix, budget.org(), budget.scopeId(), budget.period(), now);
  }
}
