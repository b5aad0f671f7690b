package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.ids.Ids;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Platform mode's limiter with leases (ADR 15): a replica takes a slice of a key's buckets (and its
 * org's) from Redis in one call and spends it locally, so a busy key costs Redis a call every few
 * hundred milliseconds instead of two per request, and a request whose credit is here waits for no
 * one. The slice follows the key's rate and is capped at a small share of each limit
 * ({@link LeaseSizing}): a key far below the cap gets exactly its request's need, which is the
 * per-request behaviour of before. Credit left unused is given back when the key goes idle, and a
 * lease call made while credit runs low is made ahead of need.
 *
 * <p>Requests of a key with a budget (its own or its org's) go to {@link RedisLimiter} as before:
 * spend is settled per request in Redis, where budget alerts are decided. A lease call that fails or
 * passes the deadline is a Redis failure for the fail policy like any other, and while Redis is away
 * credit already held is still spent.
 */
public final class LeasedLimiter implements Limiter {

  private static final LuaScript LEASE = LuaScript.fromResource("lease.lua");
  private static final LuaScript RELEASE = LuaScript.fromResource("release.lua");
  /** A replica's hold on a key's stream slots lasts this long unless renewed: how soon a dead replica's slots free. */
  static final long SLOT_LEASE_MICROS = TimeUnit.SECONDS.toMicros(10);
  /** Credit of a key unused for this long goes back to Redis. */
  static final long IDLE_RELEASE_MICROS = TimeUnit.SECONDS.toMicros(1);
  /** A lease idle and empty for this long is forgotten. */
  private static final long FORGET_MICROS = TimeUnit.MINUTES.toMicros(1);
  static final long SWEEP_INTERVAL_MS = 250;
  /** The next call of a key waits for the previous one at most this long (a hung connection). */
  private static final long TURN_WAIT_MS = 5_000;

  private final Vertx vertx;
  private final Redis redis;
  private final RedisSettings settings;
  private final RedisLimiter exact;
  private final LeaseSizing sizing;
  private final LongSupplier clockMicros;
  private final LongSupplier wallMillis;
  private final String replicaId = Ids.uuidV7();
  private final Map<String, KeyLease> leases = new ConcurrentHashMap<>();
  private final AtomicLong leaseCalls = new AtomicLong();
  private final AtomicLong releaseCalls = new AtomicLong();
  private final AtomicLong localAdmissions = new AtomicLong();
  private long sweeper = -1;

  /**
   * @param exact      the per-request limiter: keys with budgets, the fail policy, Redis's health
   * @param nowMicros  the clock passed to the scripts, or null for Redis's own TIME (production)
   */
  public LeasedLimiter(Vertx vertx, Redis redis, RedisSettings settings, RedisLimiter exact, LongSupplier nowMicros,
                       LongSupplier wallMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.settings = settings;
    this.exact = exact;
    this.sizing = new LeaseSizing(TimeUnit.MILLISECONDS.toMicros(settings.leaseWindowMs()), settings.replicas());
    this.clockMicros = nowMicros != null ? nowMicros : () -> TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    this.wallMillis = wallMillis;
  }

  public LeasedLimiter(Vertx vertx, Redis redis, RedisSettings settings, RedisLimiter exact) {
    this(vertx, redis, settings, exact, null, System::currentTimeMillis);
  }

  /** Loads the scripts and starts giving back idle credit. */
  public Future<Void> start() {
    sweeper = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    return Future.join(LEASE.load(redis), RELEASE.load(redis)).<Void>mapEmpty().otherwise((Void) null);
  }

  @Override
  public Future<Admission> admit(AdmissionRequest request) {
    if (request.keyBudget() != null || request.orgBudget() != null) {
      return exact.admit(request);
    }
    Admission tooLarge = tooLarge(request);
    if (tooLarge != null) {
      return Future.succeededFuture(tooLarge);
    }
    if (!request.keyLimits().limitsAnything() && !request.orgLimits().limitsAnything()) {
      localAdmissions.incrementAndGet();
      return Future.succeededFuture(Admission.admit(
          new Reservation(Ids.uuidV7(), request, request.tokens(), this), RateLimitHeaders.NONE).decidedBy("lease"));
    }
    KeyLease lease = leaseOf(request);
    synchronized (lease) {
      if (!lease.limitsAre(request.keyLimits(), request.orgLimits())) {
        // Credit taken under other limits means other amounts: all of it goes back, under those.
        release(lease, lease.takeSurplus(null));
        lease.keyLimits = request.keyLimits();
        lease.orgLimits = request.orgLimits();
      }
      if (lease.covers(request)) {
        lease.spend(request, clockMicros.getAsLong());
        localAdmissions.incrementAndGet();
        prefetchIfLow(lease);
        return Future.succeededFuture(admitted(lease, request));
      }
      Admission refused = lease.cachedRefusal(lease.shortfall(request), clockMicros.getAsLong());
      if (refused != null) {
        return Future.succeededFuture(refused);
      }
    }
    if (exact.skipsRedis()) {
      return Future.succeededFuture(exact.withoutRedis(request));
    }
    return inTurn(lease, done -> leaseFor(lease, request, done));
  }

  @Override
  public Future<Void> settle(Reservation reservation, long actualTokens, long actualCostMicros) {
    if (reservation.owner() != this) {
      // Granted per request (a budget) or by the fail policy: settled where it was granted.
      return reservation.owner().settle(reservation, actualTokens, actualCostMicros);
    }
    if (!reservation.markSettled() || !(reservation.ownerState() instanceof KeyLease lease)) {
      return Future.succeededFuture();
    }
    KeyLease.Release surplus = null;
    synchronized (lease) {
      lease.settle(reservation.reservedTokens(), actualTokens);
      KeyLease.Keep keep = keep(lease);
      if (lease.hasSurplus(keep)) {
        surplus = lease.takeSurplus(keep);
      }
    }
    return surplus == null ? Future.succeededFuture() : release(lease, surplus);
  }

  /** Gives back every key's credit and slots (a replica shutting down). */
  public Future<Void> close() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    List<Future<Void>> releases = new java.util.ArrayList<>();
    for (KeyLease lease : leases.values()) {
      synchronized (lease) {
        if (lease.holdsAnything()) {
          releases.add(release(lease, lease.takeSurplus(null)));
        }
      }
    }
    return Future.join(releases).<Void>mapEmpty().otherwise((Void) null);
  }

  private KeyLease leaseOf(AdmissionRequest request) {
    return leases.computeIfAbsent(request.orgId() + '\u0000' + request.keyId(), ignored -> {
      RedisKeys keys = RedisKeys.of(settings.keyPrefix(), request, "-", Instant.ofEpochMilli(wallMillis.getAsLong()));
      return new KeyLease(keys, replicaId + ":" + Ids.uuidV7(), request.keyLimits(), request.orgLimits());
    });
  }

  private Admission admitted(KeyLease lease, AdmissionRequest request) {
    return Admission.admit(new Reservation(Ids.uuidV7(), request, request.tokens(), this, lease), lease.headers())
        .decidedBy("lease");
  }

  /**
   * The lease call for a request the credit does not cover: its shortfall, all or nothing, plus the
   * extra the key's rate asks for. Runs in the key's turn; {@code done} ends the turn when Redis
   * answered (also after the deadline, so a late answer's credit is kept).
   */
  private Future<Admission> leaseFor(KeyLease lease, AdmissionRequest request, Promise<Void> done) {
    List<String> args;
    long[] owed;
    KeyLease.Shortfall need;
    synchronized (lease) {
      if (lease.covers(request)) {
        // A call before this one brought enough.
        lease.spend(request, clockMicros.getAsLong());
        localAdmissions.incrementAndGet();
        done.complete();
        return Future.succeededFuture(admitted(lease, request));
      }
      need = lease.shortfall(request);
      owed = new long[] {lease.keyTokensOwed, lease.orgTokensOwed};
      lease.keyTokensOwed = 0;
      lease.orgTokensOwed = 0;
      args = leaseArgs(lease, need, extras(lease), owed);
    }
    Promise<Admission> answer = Promise.promise();
    AtomicBoolean decided = new AtomicBoolean();
    long timer = vertx.setTimer(settings.timeoutMs(), id -> {
      if (decided.compareAndSet(false, true)) {
        exact.redisFailed(new TimeoutException("lease call over " + settings.timeoutMs() + " ms"));
        answer.complete(exact.withoutRedis(request));
      }
    });
    leaseCalls.incrementAndGet();
    LEASE.run(redis, lease.keys.forLease(), args).onComplete(result -> {
      vertx.cancelTimer(timer);
      boolean inTime = decided.compareAndSet(false, true);
      Admission admission = null;
      synchronized (lease) {
        if (result.succeeded()) {
          Response response = result.result();
          lease.credit(taken(response));
          lease.lastAnswer = RedisLimiter.headersOf(response, request);
          lease.startedCall(clockMicros.getAsLong(), extrasTaken(response, need));
          if (inTime) {
            if (response.get(0).toLong() == 1) {
              lease.spend(request, clockMicros.getAsLong());
              admission = admitted(lease, request).decidedBy("redis");
            } else {
              admission = RedisLimiter.refusal(response, request, lease.headers(),
                  Instant.ofEpochMilli(wallMillis.getAsLong())).decidedBy("redis");
              if (RefusalReason.ofCode(response.get(1).toInteger()).isRate()) {
                lease.rememberRefusal(admission, need, clockMicros.getAsLong());
              }
            }
          }
        } else {
          lease.keyTokensOwed += owed[0];
          lease.orgTokensOwed += owed[1];
        }
      }
      if (inTime) {
        if (result.succeeded()) {
          exact.redisHealthy();
          exact.countRedisDecision();
          answer.complete(admission);
        } else {
          exact.redisFailed(result.cause());
          answer.complete(exact.withoutRedis(request));
        }
      }
      done.complete();
    });
    return answer.future();
  }

  /** A lease call with no request waiting: credit running low is topped up ahead of need. */
  private void prefetchIfLow(KeyLease lease) {
    if (lease.topUpQueued || !lease.runningLow()) {
      return;
    }
    lease.topUpQueued = true;
    inTurn(lease, done -> {
      List<String> args;
      long[] owed;
      synchronized (lease) {
        lease.topUpQueued = false;
        owed = new long[] {lease.keyTokensOwed, lease.orgTokensOwed};
        lease.keyTokensOwed = 0;
        lease.orgTokensOwed = 0;
        args = leaseArgs(lease, KeyLease.Shortfall.NONE, extras(lease), owed);
      }
      leaseCalls.incrementAndGet();
      return LEASE.run(redis, lease.keys.forLease(), args)
          .timeout(TURN_WAIT_MS, TimeUnit.MILLISECONDS)
          .onComplete(result -> {
            synchronized (lease) {
              if (result.succeeded()) {
                lease.credit(taken(result.result()));
                lease.startedCall(clockMicros.getAsLong(), taken(result.result()));
              } else {
                lease.keyTokensOwed += owed[0];
                lease.orgTokensOwed += owed[1];
              }
            }
            done.complete();
          }).mapEmpty();
    });
  }

  /** Gives back a surplus (and renews or ends the slot lease), in the key's turn. */
  private Future<Void> release(KeyLease lease, KeyLease.Release release) {
    return inTurn(lease, done -> {
      releaseCalls.incrementAndGet();
      long[] back = release.returned();
      List<String> args = List.of(
          Long.toString(exact.now()),
          Long.toString(release.keyLimits().requestsPerMinute()),
          Long.toString(release.keyLimits().tokensPerMinute()),
          Long.toString(release.orgLimits().requestsPerMinute()),
          Long.toString(release.orgLimits().tokensPerMinute()),
          Long.toString(back[0]), Long.toString(back[1]), Long.toString(back[2]), Long.toString(back[3]),
          lease.leaseId,
          Long.toString(release.slotsHeldAfter()),
          Long.toString(SLOT_LEASE_MICROS));
      return RELEASE.run(redis, lease.keys.forRelease(), args)
          .timeout(Math.max(settings.timeoutMs(), 1_000), TimeUnit.MILLISECONDS)
          .onComplete(result -> {
            synchronized (lease) {
              if (result.succeeded()) {
                lease.lastRenewMicros = clockMicros.getAsLong();
              } else {
                // Overruns are charged at the next call; returned credit is lost until it refills.
                lease.keyTokensOwed += Math.max(0, -back[1]);
                lease.orgTokensOwed += Math.max(0, -back[3]);
              }
            }
            done.complete();
          })
          .<Void>mapEmpty()
          .otherwise((Void) null);
    });
  }

  /**
   * Runs {@code work} when the key's previous Redis call has answered (or after {@link #TURN_WAIT_MS}),
   * on the caller's context, so a request's future completes on its own event loop.
   */
  private <T> Future<T> inTurn(KeyLease lease, Function<Promise<Void>, Future<T>> work) {
    Promise<Void> done = Promise.promise();
    Future<?> previous;
    synchronized (lease) {
      previous = lease.tail;
      lease.tail = done.future();
    }
    Context context = vertx.getOrCreateContext();
    if (previous.isComplete()) {
      return work.apply(done);
    }
    Promise<T> result = Promise.promise();
    long guard = vertx.setTimer(TURN_WAIT_MS, id -> done.tryComplete());
    previous.onComplete(ignored -> context.runOnContext(v -> {
      vertx.cancelTimer(guard);
      work.apply(done).onComplete(result);
    }));
    return result.future();
  }

  /** The process died: no more renewals or releases (tests of a replica killed holding leases). */
  void abandon() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    leases.clear();
  }

  /** Every {@link #SWEEP_INTERVAL_MS}: idle credit back to Redis, slot leases renewed, old leases forgotten. */
  void sweep() {
    long now = clockMicros.getAsLong();
    leases.forEach((name, lease) -> {
      KeyLease.Release release = null;
      synchronized (lease) {
        long idle = now - lease.lastUseMicros;
        if (idle >= IDLE_RELEASE_MICROS && lease.holdsSurplus()) {
          release = lease.takeSurplus(null);
        } else if (lease.slotsHeld > 0 && now - lease.lastRenewMicros >= SLOT_LEASE_MICROS / 3) {
          release = lease.takeSurplus(KeyLease.everything());
        } else if (idle >= FORGET_MICROS && !lease.holdsAnything() && lease.tail.isComplete()) {
          leases.remove(name, lease);
        }
      }
      if (release != null) {
        release(lease, release);
      }
    });
  }

  private KeyLease.Keep keep(KeyLease lease) {
    long[] extra = lease.lastExtra;
    return new KeyLease.Keep(Math.max(extra[0], extra[2]), Math.max(extra[1], extra[3]), extra[4]);
  }

  private long[] extras(KeyLease lease) {
    long elapsed = clockMicros.getAsLong() - lease.lastCallMicros;
    long keyRpm = lease.keyLimits.requestsPerMinute();
    long keyTpm = lease.keyLimits.tokensPerMinute();
    long orgRpm = lease.orgLimits.requestsPerMinute();
    long orgTpm = lease.orgLimits.tokensPerMinute();
    return new long[] {
        sizing.extra(keyRpm, lease.requestsSpent, elapsed),
        sizing.extra(keyTpm, lease.tokensSpent, elapsed),
        sizing.extra(orgRpm, lease.requestsSpent, elapsed),
        sizing.extra(orgTpm, lease.tokensSpent, elapsed),
        lease.requestsSpent == 0 ? 0 : sizing.extraSlots(lease.keyLimits.maxConcurrentStreams(), lease.slotsInUse)};
  }

  private List<String> leaseArgs(KeyLease lease, KeyLease.Shortfall need, long[] extra, long[] owed) {
    return List.of(
        Long.toString(exact.now()),
        Long.toString(lease.keyLimits.requestsPerMinute()),
        Long.toString(lease.keyLimits.tokensPerMinute()),
        Long.toString(lease.orgLimits.requestsPerMinute()),
        Long.toString(lease.orgLimits.tokensPerMinute()),
        Long.toString(lease.keyLimits.maxConcurrentStreams()),
        Long.toString(need.keyRequests()), Long.toString(need.keyTokens()),
        Long.toString(need.orgRequests()), Long.toString(need.orgTokens()), Long.toString(need.slots()),
        Long.toString(extra[0]), Long.toString(extra[1]), Long.toString(extra[2]), Long.toString(extra[3]),
        Long.toString(extra[4]),
        Long.toString(owed[0]), Long.toString(owed[1]),
        lease.leaseId,
        Long.toString(lease.slotsHeld),
        Long.toString(SLOT_LEASE_MICROS));
  }

  /** lease.lua's fields 9 to 13: what it took of each bucket and of the slots. */
  private static long[] taken(Response response) {
    return new long[] {response.get(8).toLong(), response.get(9).toLong(), response.get(10).toLong(),
        response.get(11).toLong(), response.get(12).toLong()};
  }

  /** What a call took beyond the request's need: the extra, which sizes the credit kept. */
  private static long[] extrasTaken(Response response, KeyLease.Shortfall need) {
    long[] taken = taken(response);
    if (response.get(0).toLong() != 1) {
      return taken;
    }
    return new long[] {taken[0] - need.keyRequests(), taken[1] - need.keyTokens(), taken[2] - need.orgRequests(),
        taken[3] - need.orgTokens(), taken[4] - need.slots()};
  }

  private static Admission tooLarge(AdmissionRequest request) {
    long keyTpm = request.keyLimits().tokensPerMinute();
    long orgTpm = request.orgLimits().tokensPerMinute();
    long limit = keyTpm > 0 && request.tokens() > keyTpm ? keyTpm
        : orgTpm > 0 && request.tokens() > orgTpm ? orgTpm : 0;
    if (limit == 0) {
      return null;
    }
    return Admission.refuse(RefusalReason.TOO_LARGE.error(limit, request.tokens()), -1, RateLimitHeaders.NONE)
        .decidedBy("lease");
  }

  /** Lease calls made (requests that waited for Redis, and top-ups ahead of need). */
  public long leaseCalls() {
    return leaseCalls.get();
  }

  /** Release calls made (idle credit given back, surpluses, slot renewals). */
  public long releaseCalls() {
    return releaseCalls.get();
  }

  /** Admissions decided from credit held here, without a Redis call. */
  public long localAdmissions() {
    return localAdmissions.get();
  }

  public RedisLimiter exact() {
    return exact;
  }
}
