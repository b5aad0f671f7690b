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

  /** A replica's hold on a key's stream slots lasts this long unless renewed: how soon a dead replica's slots free. */
  static final long SLOT_LEASE_MICROS = TimeUnit.SECONDS.toMicros(10);
  /** Credit of a key unused for this long goes back to Redis. */
  static final long IDLE_RELEASE_MICROS = TimeUnit.SECONDS.toMicros(1);
  /** A lease idle and empty for this long is forgotten. */
  private static final long FORGET_MICROS = TimeUnit.MINUTES.toMicros(1);
  static final long SWEEP_INTERVAL_MS = 250;
  /** A lease call ahead of need (no request waits for it) gives up after this. */
  private static final long PREFETCH_TIMEOUT_MS = 1_000;

  private final Vertx vertx;
  private final LeaseScripts scripts;
  private final RedisSettings settings;
  private final RedisLimiter exact;
  private final LeaseSizing sizing;
  private final LongSupplier clockMicros;
  private final LongSupplier wallMillis;
  private final String replicaId = Ids.uuidV7();
  private final Map<LeaseKey, KeyLease> leases = new ConcurrentHashMap<>();
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
    this.scripts = new LeaseScripts(redis, exact::now);
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
    return scripts.load();
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
    Future<Void> coming;
    synchronized (lease) {
      if (!lease.limitsAre(request.keyLimits(), request.orgLimits())) {
        // Credit taken under other limits means other amounts: all of it goes back, under those.
        release(lease, lease.takeSurplus(null));
        lease.keyLimits = request.keyLimits();
        lease.orgLimits = request.orgLimits();
        lease.refusal = null;
      }
      if (lease.covers(request)) {
        return Future.succeededFuture(spendCredit(lease, request));
      }
      Admission refused = lease.cachedRefusal(lease.shortfall(request), clockMicros.getAsLong());
      if (refused != null) {
        return Future.succeededFuture(refused);
      }
      coming = lease.extraCall;
    }
    if (coming != null) {
      // Credit is on its way: refusing now could refuse what it brings. Decide when it is here, or
      // when Redis's deadline passed without it.
      Context context = vertx.getOrCreateContext();
      Promise<Admission> later = Promise.promise();
      AtomicBoolean waited = new AtomicBoolean();
      long timer = vertx.setTimer(settings.timeoutMs(), id -> {
        if (waited.compareAndSet(false, true)) {
          admitFromRedis(lease, request).onComplete(later);
        }
      });
      coming.onComplete(arrived -> context.runOnContext(v -> {
        if (waited.compareAndSet(false, true)) {
          vertx.cancelTimer(timer);
          admitFromRedis(lease, request).onComplete(later);
        }
      }));
      return later.future();
    }
    return admitFromRedis(lease, request);
  }

  /** Admission for a request the credit here does not cover: from the credit that just came, or Redis. */
  private Future<Admission> admitFromRedis(KeyLease lease, AdmissionRequest request) {
    synchronized (lease) {
      if (lease.covers(request)) {
        return Future.succeededFuture(spendCredit(lease, request));
      }
    }
    if (exact.skipsRedis()) {
      return Future.succeededFuture(exact.withoutRedis(request));
    }
    // The deadline runs from here, inside the Redis call.
    Promise<Admission> answer = Promise.promise();
    AtomicBoolean decided = new AtomicBoolean();
    long timer = vertx.setTimer(settings.timeoutMs(), id -> {
      if (decided.compareAndSet(false, true)) {
        exact.redisFailed(new TimeoutException("lease call over " + settings.timeoutMs() + " ms"));
        answer.complete(exact.withoutRedis(request));
      }
    });
    leaseFor(lease, request, answer, decided, timer);
    return answer.future();
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
      if (lease.hasSurplus(sizing)) {
        surplus = lease.takeSurplus(lease.keep());
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

  /**
   * A key's lease, by its org and id: the key record's own strings, whose hashes are cached, so the
   * lookup of every admission allocates no string and hashes no characters.
   */
  private record LeaseKey(String orgId, String keyId) {
  }

  private KeyLease leaseOf(AdmissionRequest request) {
    LeaseKey key = new LeaseKey(request.orgId(), request.keyId());
    KeyLease known = leases.get(key);
    return known != null ? known : leases.computeIfAbsent(key, ignored -> {
      RedisKeys keys = RedisKeys.of(settings.keyPrefix(), request, "-", Instant.ofEpochMilli(wallMillis.getAsLong()));
      return new KeyLease(keys, replicaId + ":" + Ids.uuidV7(), request.keyLimits(), request.orgLimits());
    });
  }

  /** Admits from the credit held (which covers the request), topping it up ahead if it runs low. Under the lease's monitor. */
  private Admission spendCredit(KeyLease lease, AdmissionRequest request) {
    lease.spend(request, clockMicros.getAsLong());
    localAdmissions.incrementAndGet();
    prefetchIfLow(lease);
    return admitted(lease, request);
  }

  private Admission admitted(KeyLease lease, AdmissionRequest request) {
    return Admission.admit(new Reservation(Ids.uuidV7(), request, request.tokens(), this, lease), lease.headers())
        .decidedBy("lease");
  }

  /**
   * The lease call for a request the credit does not cover: its shortfall, all or nothing, plus the
   * extra the key's rate asks for (one call of a key at a time asks for extra, so concurrent calls do
   * not each take a slice). A late answer's credit is kept.
   */
  private void leaseFor(KeyLease lease, AdmissionRequest request, Promise<Admission> answer, AtomicBoolean decided,
                        long timer) {
    long[] owed;
    long[] extra;
    KeyLease.Shortfall need;
    boolean withExtra;
    Promise<Void> extraCall = Promise.promise();
    synchronized (lease) {
      need = lease.shortfall(request);
      owed = lease.takeOwed();
      withExtra = lease.extraCall == null;
      if (withExtra) {
        lease.extraCall = extraCall.future();
      }
      extra = withExtra ? sizing.extras(lease, clockMicros.getAsLong()) : new long[5];
    }
    leaseCalls.incrementAndGet();
    scripts.lease(lease, need, extra, owed, SLOT_LEASE_MICROS).onComplete(result -> {
      vertx.cancelTimer(timer);
      boolean inTime = decided.compareAndSet(false, true);
      Admission admission = null;
      synchronized (lease) {
        if (withExtra) {
          lease.extraCall = null;
        }
        if (result.succeeded()) {
          Response response = result.result();
          lease.credit(LeaseScripts.taken(response));
          lease.lastAnswer = RedisLimiter.headersOf(response, request);
          if (withExtra) {
            lease.startedCall(clockMicros.getAsLong(), LeaseScripts.extrasTaken(response, need));
          }
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
          lease.owe(owed);
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
      extraCall.complete();
    });
  }

  /** A lease call with no request waiting: credit running low is topped up ahead of need. */
  private void prefetchIfLow(KeyLease lease) {
    if (lease.extraCall != null || !lease.runningLow()) {
      return;
    }
    Promise<Void> extraCall = Promise.promise();
    lease.extraCall = extraCall.future();
    long[] owed = lease.takeOwed();
    long[] extra = sizing.extras(lease, clockMicros.getAsLong());
    leaseCalls.incrementAndGet();
    scripts.lease(lease, KeyLease.Shortfall.NONE, extra, owed, SLOT_LEASE_MICROS)
        .timeout(PREFETCH_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(result -> {
          synchronized (lease) {
            lease.extraCall = null;
            if (result.succeeded()) {
              long[] taken = LeaseScripts.taken(result.result());
              lease.credit(taken);
              lease.startedCall(clockMicros.getAsLong(), taken);
            } else {
              lease.owe(owed);
            }
          }
          extraCall.complete();
        });
  }

  /** Gives back a surplus, charges overruns, and renews (or ends) the slots' lease. */
  private Future<Void> release(KeyLease lease, KeyLease.Release release) {
    releaseCalls.incrementAndGet();
    long[] back = release.returned();
    return scripts.release(lease, release, SLOT_LEASE_MICROS)
        .timeout(Math.max(settings.timeoutMs(), 1_000), TimeUnit.MILLISECONDS)
        .onComplete(result -> {
          synchronized (lease) {
            if (result.succeeded()) {
              lease.lastRenewMicros = clockMicros.getAsLong();
            } else {
              // Overruns are charged at the next call; returned credit is lost until it refills.
              lease.owe(new long[] {Math.max(0, -back[1]), Math.max(0, -back[3])});
            }
          }
        })
        .<Void>mapEmpty()
        .otherwise((Void) null);
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
        } else if (idle >= FORGET_MICROS && !lease.holdsAnything() && lease.extraCall == null) {
          leases.remove(name, lease);
        }
      }
      if (release != null) {
        release(lease, release);
      }
    });
  }

  private static Admission tooLarge(AdmissionRequest request) {
    long limit = request.tokenLimitExceeded(request.keyLimits().tokensPerMinute(),
        request.orgLimits().tokensPerMinute());
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
