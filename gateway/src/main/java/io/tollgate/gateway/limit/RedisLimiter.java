package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Platform mode's limiter: one {@code EVALSHA} of admit.lua per request decides and takes every
 * limit atomically in Redis, so any number of replicas share one truth; one {@code EVALSHA} of
 * settle.lua settles it.
 *
 * <p>Every call has a short timeout inside the async chain. While Redis fails, admission follows
 * the configured policy: fail open to the in-process limiter (each replica its share of each
 * limit) or fail closed with 503. Redis is then probed at most every {@value #PROBE_INTERVAL_MS} ms
 * (other requests skip it), and admission returns to Redis as soon as a probe succeeds. Each
 * episode is logged once, when it starts and when it ends.
 */
public final class RedisLimiter implements Limiter {

  private static final Logger LOG = Logger.getLogger(RedisLimiter.class.getName());
  static final long PROBE_INTERVAL_MS = 500;
  /**
   * A stream slot is a lease; a replica that dies (or cannot settle) while holding one frees it
   * after this. A request whose route has a total deadline gets a lease of that deadline plus
   * {@link #LEASE_MARGIN_MICROS} (the settle after it); one without keeps this bound.
   */
  static final long STREAM_LEASE_MICROS = TimeUnit.MINUTES.toMicros(15);
  static final long LEASE_MARGIN_MICROS = TimeUnit.SECONDS.toMicros(5);
  private static final long RESERVATION_TTL_SECONDS = TimeUnit.HOURS.toSeconds(2);
  /** Spend counters outlive their period a little, for late settlements and reports. */
  private static final long SPEND_GRACE_SECONDS = TimeUnit.DAYS.toSeconds(2);
  /** Failed settlements kept for retry at most; beyond, they are given up (and counted). */
  static final int PENDING_SETTLES_CAPACITY = 100_000;
  private static final long SETTLE_RETRY_FIRST_MS = 250;
  private static final long SETTLE_RETRY_MAX_MS = 5_000;

  private static final LuaScript ADMIT = LuaScript.fromResource("admit.lua");
  private static final LuaScript SETTLE = LuaScript.fromResource("settle.lua");

  private final Vertx vertx;
  private final Redis redis;
  private final RedisSettings settings;
  private final LocalLimiter fallback;
  private final LongSupplier nowMicros;
  private final LongSupplier wallMillis;

  private final AtomicBoolean degraded = new AtomicBoolean();
  private final AtomicLong nextProbeNanos = new AtomicLong();
  private final AtomicLong redisDecisions = new AtomicLong();
  private final AtomicLong fallbackDecisions = new AtomicLong();
  private final AtomicLong redisFailures = new AtomicLong();
  private final AtomicLong settleFailures = new AtomicLong();
  // Past the reservation record's TTL a settle is a no-op in Redis: no point retrying longer.
  private final PendingSettles pending = new PendingSettles(PENDING_SETTLES_CAPACITY,
      TimeUnit.SECONDS.toNanos(RESERVATION_TTL_SECONDS));
  private final AtomicBoolean retryScheduled = new AtomicBoolean();
  private volatile long retryDelayMs = SETTLE_RETRY_FIRST_MS;

  /**
   * @param nowMicros the clock passed to the scripts, or null to use Redis's own TIME (production:
   *                  one clock for every replica); tests pass a fake clock
   */
  public RedisLimiter(Vertx vertx, Redis redis, RedisSettings settings, LocalLimiter fallback,
                      LongSupplier nowMicros, LongSupplier wallMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.settings = settings;
    this.fallback = fallback;
    this.nowMicros = nowMicros;
    this.wallMillis = wallMillis;
  }

  public RedisLimiter(Vertx vertx, Redis redis, RedisSettings settings) {
    this(vertx, redis, settings, new LocalLimiter(System::nanoTime, System::currentTimeMillis, settings.replicas()),
        null, System::currentTimeMillis);
  }

  /**
   * Loads both scripts and opens connections before traffic arrives, so the first burst does not
   * pay for script compilation and connection set-up inside its timeout. Never fails: with Redis
   * down the gateway starts degraded and recovers by itself.
   */
  public Future<Void> warmUp(int connections) {
    List<Future<Response>> loads = new java.util.ArrayList<>();
    for (int i = 0; i < connections; i++) {
      loads.add((i % 2 == 0 ? ADMIT : SETTLE).load(redis));
    }
    return Future.join(loads)
        .timeout(5, TimeUnit.SECONDS)
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.warning("Redis not reachable at start (" + failure + "); admission starts degraded");
          return null;
        });
  }

  @Override
  public Future<Admission> admit(AdmissionRequest request) {
    if (degraded.get()) {
      if (!takeProbe()) {
        return Future.succeededFuture(withoutRedis(request));
      }
      // The probe settles what the outage left pending first, so the slots and tokens those
      // requests held are back before this one is decided.
      return retryPending().transform(ignored -> admitOnRedis(request));
    }
    return admitOnRedis(request);
  }

  private Future<Admission> admitOnRedis(AdmissionRequest request) {
    String id = Ids.uuidV7();
    RedisKeys keys = RedisKeys.of(settings.keyPrefix(), request, id, Instant.ofEpochMilli(wallMillis.getAsLong()));
    Future<Response> call = ADMIT.run(redis, keys.forAdmit(), admitArgs(request, id));
    return call
        .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
        .map(response -> {
          redisHealthy();
          redisDecisions.incrementAndGet();
          return decision(response, request, id, keys).decidedBy("redis");
        })
        .recover(failure -> {
          redisFailed(failure);
          // A slow Redis may still take the admission after we gave up on it: give it back.
          call.onSuccess(late -> releaseLate(decision(late, request, id, keys)));
          return Future.succeededFuture(withoutRedis(request));
        });
  }

  private void releaseLate(Admission late) {
    if (late.admitted()) {
      settle(late.reservation(), 0, 0);
    }
  }

  @Override
  public Future<Void> settle(Reservation reservation, long actualTokens, long actualCostMicros) {
    if (!reservation.markSettled()) {
      return Future.succeededFuture();
    }
    RedisKeys keys = (RedisKeys) reservation.ownerState();
    AdmissionRequest request = reservation.request();
    List<String> args = List.of(
        Long.toString(now()),
        Long.toString(request.keyLimits().tokensPerMinute()),
        Long.toString(request.orgLimits().tokensPerMinute()),
        Long.toString(actualTokens),
        Long.toString(actualCostMicros),
        reservation.id(),
        Long.toString(budgetMicros(request.keyBudget())),
        Long.toString(budgetMicros(request.orgBudget())),
        alerts(request.keyBudget()),
        alerts(request.orgBudget()));
    return settleOnce(keys, args).recover(failure -> {
      settleFailures.incrementAndGet();
      if (pending.keep(new PendingSettles.Pending(keys, args, System.nanoTime()))) {
        if (pending.size() == 1) {
          LOG.log(Level.WARNING, "could not settle reservation " + keys.reservation() + " (" + failure + "); kept"
              + " and retried until Redis takes it", failure);
        }
        scheduleRetry();
      } else {
        LOG.warning("could not settle reservation " + keys.reservation() + " and " + PENDING_SETTLES_CAPACITY
            + " settlements already wait: given up; its stream slot frees when its lease ends");
      }
      // The caller's request is over either way: the settlement lands later.
      return Future.succeededFuture();
    });
  }

  private Future<Void> settleOnce(RedisKeys keys, List<String> args) {
    return SETTLE.run(redis, keys.forSettle(), args)
        .timeout(Math.max(settings.timeoutMs(), 1_000), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /** One retry pass soon, backing off from 250 ms to 5 s while Redis keeps refusing them. */
  private void scheduleRetry() {
    if (retryScheduled.compareAndSet(false, true)) {
      vertx.setTimer(retryDelayMs, id -> {
        retryScheduled.set(false);
        retryPending();
      });
    }
  }

  /**
   * Tries every pending settlement once (they go out together, pipelined on the pool's
   * connections); those that fail again go back in line. Completes when all were tried.
   */
  private Future<Void> retryPending() {
    List<PendingSettles.Pending> batch = pending.takeAll(System.nanoTime());
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> attempts = new java.util.ArrayList<>(batch.size());
    AtomicBoolean anyFailed = new AtomicBoolean();
    for (PendingSettles.Pending one : batch) {
      attempts.add(settleOnce(one.keys(), one.args())
          .onSuccess(ok -> pending.landed())
          .recover(failure -> {
            anyFailed.set(true);
            pending.again(one);
            return Future.succeededFuture();
          }));
    }
    return Future.join(attempts).transform(done -> {
      if (anyFailed.get()) {
        retryDelayMs = Math.min(SETTLE_RETRY_MAX_MS, retryDelayMs * 2);
        scheduleRetry();
      } else {
        retryDelayMs = SETTLE_RETRY_FIRST_MS;
        LOG.info("pending settlements landed in Redis (" + batch.size() + ")");
      }
      return Future.<Void>succeededFuture();
    });
  }

  private List<String> admitArgs(AdmissionRequest request, String id) {
    Instant wall = Instant.ofEpochMilli(wallMillis.getAsLong());
    return List.of(
        Long.toString(now()),
        Long.toString(request.keyLimits().requestsPerMinute()),
        Long.toString(request.keyLimits().tokensPerMinute()),
        Long.toString(request.orgLimits().requestsPerMinute()),
        Long.toString(request.orgLimits().tokensPerMinute()),
        Long.toString(request.tokens()),
        Long.toString(request.keyLimits().maxConcurrentStreams()),
        Long.toString(leaseMicros(request)),
        id,
        Long.toString(request.costMicros()),
        Long.toString(budgetMicros(request.keyBudget())),
        Long.toString(budgetMicros(request.orgBudget())),
        Long.toString(spendTtl(request.keyBudget(), wall)),
        Long.toString(spendTtl(request.orgBudget(), wall)),
        Long.toString(RESERVATION_TTL_SECONDS),
        alerts(request.keyBudget()),
        alerts(request.orgBudget()));
  }

  private Admission decision(Response response, AdmissionRequest request, String id, RedisKeys keys) {
    boolean admitted = response.get(0).toLong() == 1;
    RateLimitHeaders headers = headersOf(response, request);
    if (admitted) {
      return Admission.admit(new Reservation(id, request, request.tokens(), this, keys), headers);
    }
    return refusal(response, request, headers, Instant.ofEpochMilli(wallMillis.getAsLong()));
  }

  /** The x-ratelimit figures of an admit.lua or lease.lua answer (fields 5 to 8). */
  static RateLimitHeaders headersOf(Response response, AdmissionRequest request) {
    return new RateLimitHeaders(
        request.keyLimits().requestsPerMinute(), response.get(4).toLong(), microsToMillis(response.get(5).toLong()),
        request.keyLimits().tokensPerMinute(), response.get(6).toLong(), microsToMillis(response.get(7).toLong()));
  }

  /** The refusal an admit.lua or lease.lua answer gives: its code, retry-after and the limit that refused. */
  static Admission refusal(Response response, AdmissionRequest request, RateLimitHeaders headers, Instant now) {
    RefusalReason reason = RefusalReason.ofCode(response.get(1).toInteger());
    if ((reason == RefusalReason.KEY_BUDGET || reason == RefusalReason.ORG_BUDGET) && response.size() > 8) {
      // admit.lua answers a budget refusal with the budget (4th) and the spend so far (9th).
      return Admission.overBudget(reason, request, response.get(3).toLong(), response.get(8).toLong(), headers, now);
    }
    long retryMicros = response.get(2).toLong();
    long limit = response.get(3).toLong();
    long retryMillis = retryMicros < 0 ? -1 : microsToMillis(retryMicros) + 1;
    long detail = reason == RefusalReason.TOO_LARGE ? request.tokens() : retryMillis;
    return Admission.refuse(reason.error(limit, detail), retryMillis, headers);
  }

  /** While degraded, whether this request skips Redis (it is not the probe of the interval). */
  boolean skipsRedis() {
    return degraded.get() && !takeProbe();
  }

  Admission withoutRedis(AdmissionRequest request) {
    fallbackDecisions.incrementAndGet();
    if (settings.failPolicy() == RedisSettings.FailPolicy.CLOSED) {
      return Admission.refuse(Refusal.limiterUnavailable(), PROBE_INTERVAL_MS, RateLimitHeaders.NONE)
          .decidedBy("fail_closed");
    }
    return fallback.admitNow(request).decidedBy("fail_open");
  }

  /** While degraded, one request per probe interval tries Redis; the others skip it. */
  private boolean takeProbe() {
    long now = System.nanoTime();
    long next = nextProbeNanos.get();
    return now >= next && nextProbeNanos.compareAndSet(next, now + TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MS));
  }

  void redisFailed(Throwable failure) {
    redisFailures.incrementAndGet();
    nextProbeNanos.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MS));
    if (degraded.compareAndSet(false, true)) {
      LOG.warning("Redis unavailable for admission (" + failure + "); "
          + (settings.failPolicy() == RedisSettings.FailPolicy.OPEN
              ? "failing open to in-process limits at 1/" + settings.replicas() + " of each limit"
              : "failing closed: requests get 503") + " until it answers again");
    }
  }

  void redisHealthy() {
    if (degraded.compareAndSet(true, false)) {
      LOG.info("Redis answers again; admission is back on Redis");
    }
  }

  long now() {
    return nowMicros == null ? 0 : nowMicros.getAsLong();
  }

  /** The slot's lease: the request's own deadline and a margin for its settle, or the default bound. */
  static long leaseMicros(AdmissionRequest request) {
    if (request.deadlineMillis() <= 0) {
      return STREAM_LEASE_MICROS;
    }
    return Math.min(STREAM_LEASE_MICROS, TimeUnit.MILLISECONDS.toMicros(request.deadlineMillis()) + LEASE_MARGIN_MICROS);
  }

  private static long budgetMicros(BudgetSpec budget) {
    return budget == null ? -1 : budget.limitMicros();
  }

  private static String alerts(BudgetSpec budget) {
    return budget == null ? "" : budget.alertsArg();
  }

  private static long spendTtl(BudgetSpec budget, Instant now) {
    return budget == null ? 1 : budget.secondsLeftInPeriod(now) + SPEND_GRACE_SECONDS;
  }

  private static long microsToMillis(long micros) {
    return Math.max(0, micros / 1_000);
  }

  /** Whether admission is currently on the fallback (metrics, tests). */
  public boolean degraded() {
    return degraded.get();
  }

  /** Counts an admission decided from Redis's answer elsewhere (a lease call). */
  void countRedisDecision() {
    redisDecisions.incrementAndGet();
  }

  public long redisDecisions() {
    return redisDecisions.get();
  }

  public long fallbackDecisions() {
    return fallbackDecisions.get();
  }

  public long redisFailures() {
    return redisFailures.get();
  }

  /** Settle calls Redis did not take at first (each then kept for retry, or given up when full). */
  public long settleFailures() {
    return settleFailures.get();
  }

  /** Failed settlements waiting for their retry now. */
  public int settlesPending() {
    return pending.size();
  }

  /** Kept settlements that landed on a retry. */
  public long settlesLandedAfterRetry() {
    return pending.landedAfterRetry();
  }

  /** Settlements given up: the pending store was full, or the reservation had expired in Redis. */
  public long settlesAbandoned() {
    return pending.abandoned();
  }

  public LocalLimiter fallback() {
    return fallback;
  }
}
