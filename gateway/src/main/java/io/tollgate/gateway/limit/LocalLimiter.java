package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.ids.Ids;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * In-process limiter: standalone mode's, and platform mode's fallback while Redis is unreachable.
 * Per key and per org, two GCRA buckets (RPM and TPM); per key a stream counter; per key and org a
 * spend counter for the current budget period. All lock-free, so every event loop admits without
 * contention on a lock.
 *
 * <p>As a fallback for {@code share} replicas, each limit and budget is divided by {@code share}, so
 * the replicas together stay near the real limit while they cannot coordinate.
 */
public final class LocalLimiter implements Limiter {

  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ConcurrentHashMap<String, KeyState> keys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, OrgState> orgs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> spend = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;
  private final LongSupplier wallMillis;
  private final int share;

  public LocalLimiter(LongSupplier nanoClock, LongSupplier wallMillis, int share) {
    this.nanoClock = nanoClock;
    this.wallMillis = wallMillis;
    this.share = Math.max(1, share);
  }

  public LocalLimiter(LongSupplier nanoClock) {
    this(nanoClock, System::currentTimeMillis, 1);
  }

  public LocalLimiter() {
    this(System::nanoTime);
  }

  @Override
  public Future<Admission> admit(AdmissionRequest request) {
    return Future.succeededFuture(admitNow(request));
  }

  /** The synchronous decision (the local limiter never waits on anything). */
  public Admission admitNow(AdmissionRequest request) {
    long now = nanoClock.getAsLong();
    KeyState key = keys.get(request.keyId());
    if (key == null) {
      key = keys.computeIfAbsent(request.keyId(), id -> new KeyState(now));
    }
    OrgState org = orgs.get(request.orgId());
    if (org == null) {
      org = orgs.computeIfAbsent(request.orgId(), id -> new OrgState(now));
    }
    LimitSpec keyLimits = request.keyLimits();
    LimitSpec orgLimits = request.orgLimits();
    long keyRpm = shareOf(keyLimits.requestsPerMinute());
    long keyTpm = shareOf(keyLimits.tokensPerMinute());
    long orgRpm = shareOf(orgLimits.requestsPerMinute());
    long orgTpm = shareOf(orgLimits.tokensPerMinute());
    long tokens = request.tokens();

    long tooLargeFor = request.tokenLimitExceeded(keyTpm, orgTpm);
    if (tooLargeFor > 0) {
      return Admission.refuse(RefusalReason.TOO_LARGE.error(tooLargeFor, tokens), -1, headers(key, request, now));
    }
    Undo undo = new Undo();
    RefusalReason refused = null;
    long wait = 0;
    if ((wait = take(key.requests, 1, keyRpm, now, undo)) > 0) {
      refused = RefusalReason.KEY_RPM;
    } else if ((wait = take(key.tokens, tokens, keyTpm, now, undo)) > 0) {
      refused = RefusalReason.KEY_TPM;
    } else if ((wait = take(org.requests, 1, orgRpm, now, undo)) > 0) {
      refused = RefusalReason.ORG_RPM;
    } else if ((wait = take(org.tokens, tokens, orgTpm, now, undo)) > 0) {
      refused = RefusalReason.ORG_TPM;
    } else if (!reserveSpend(request.keyId(), request.keyBudget(), request.costMicros(), undo)) {
      refused = RefusalReason.KEY_BUDGET;
    } else if (!reserveSpend(request.orgId(), request.orgBudget(), request.costMicros(), undo)) {
      refused = RefusalReason.ORG_BUDGET;
    } else if (!key.tryOpenStream(keyLimits.maxConcurrentStreams() > 0
        ? (int) shareOf(keyLimits.maxConcurrentStreams()) : Integer.MAX_VALUE)) {
      refused = RefusalReason.STREAMS;
      wait = TimeUnit.SECONDS.toNanos(1);
    }
    if (refused != null) {
      undo.run(now);
      if (refused == RefusalReason.KEY_BUDGET || refused == RefusalReason.ORG_BUDGET) {
        return overBudget(refused, request, headers(key, request, now));
      }
      long limit = switch (refused) {
        case KEY_RPM -> keyRpm;
        case KEY_TPM -> keyTpm;
        case ORG_RPM -> orgRpm;
        case ORG_TPM -> orgTpm;
        case STREAMS -> shareOf(keyLimits.maxConcurrentStreams());
        default -> 0;
      };
      long retryMillis = refused.retryable() ? TimeUnit.NANOSECONDS.toMillis(wait) + 1 : -1;
      return Admission.refuse(refused.error(limit, retryMillis), retryMillis, headers(key, request, now));
    }
    return Admission.admit(new Reservation(Ids.uuidV7(), request, tokens, this), headers(key, request, now));
  }

  private Admission overBudget(RefusalReason reason, AdmissionRequest request, RateLimitHeaders headers) {
    boolean ofKey = reason == RefusalReason.KEY_BUDGET;
    BudgetSpec budget = ofKey ? request.keyBudget() : request.orgBudget();
    return Admission.overBudget(reason, request, shareOf(budget.limitMicros()),
        spentMicros(ofKey ? request.keyId() : request.orgId(), budget), headers,
        Instant.ofEpochMilli(wallMillis.getAsLong()));
  }

  @Override
  public Future<Void> settle(Reservation reservation, long actualTokens, long actualCostMicros) {
    if (!reservation.markSettled()) {
      return Future.succeededFuture();
    }
    AdmissionRequest request = reservation.request();
    KeyState key = keys.get(request.keyId());
    OrgState org = orgs.get(request.orgId());
    long now = nanoClock.getAsLong();
    if (key != null) {
      key.openStreams.decrementAndGet();
      adjust(key.tokens, actualTokens - reservation.reservedTokens(), shareOf(request.keyLimits().tokensPerMinute()), now);
    }
    if (org != null) {
      adjust(org.tokens, actualTokens - reservation.reservedTokens(), shareOf(request.orgLimits().tokensPerMinute()), now);
    }
    long costDelta = actualCostMicros - reservation.reservedCostMicros();
    adjustSpend(request.keyId(), request.keyBudget(), costDelta);
    adjustSpend(request.orgId(), request.orgBudget(), costDelta);
    return Future.succeededFuture();
  }

  /** Streams currently open for a key (for tests and metrics). */
  public int openStreams(String keyId) {
    KeyState state = keys.get(keyId);
    return state == null ? 0 : state.openStreams.get();
  }

  /** Micro-USD spent (and reserved) by a key or org in the current period of {@code budget}. */
  public long spentMicros(String owner, BudgetSpec budget) {
    AtomicLong spent = spend.get(spendKey(owner, budget));
    return spent == null ? 0 : spent.get();
  }

  private long shareOf(long limit) {
    return limit <= 0 ? 0 : Math.max(1, limit / share);
  }

  /** Takes from a bucket with a limit (0 = unlimited); returns 0 or the wait in nanoseconds. */
  private static long take(Gcra bucket, long cost, long limit, long now, Undo undo) {
    if (limit <= 0 || cost <= 0) {
      return 0;
    }
    long wait = bucket.tryTake(cost, limit, MINUTE_NANOS, now);
    if (wait == 0) {
      undo.add(at -> bucket.giveBack(cost, limit, MINUTE_NANOS, at));
    }
    return wait;
  }

  private static void adjust(Gcra bucket, long delta, long limit, long now) {
    if (limit <= 0 || delta == 0) {
      return;
    }
    if (delta < 0) {
      bucket.giveBack(-delta, limit, MINUTE_NANOS, now);
    } else {
      bucket.charge(delta, limit, MINUTE_NANOS, now);
    }
  }

  private boolean reserveSpend(String owner, BudgetSpec budget, long cost, Undo undo) {
    if (budget == null) {
      return true;
    }
    long limit = shareOf(budget.limitMicros());
    AtomicLong spent = spend.computeIfAbsent(spendKey(owner, budget), k -> new AtomicLong());
    while (true) {
      long current = spent.get();
      if (current + cost > limit) {
        return false;
      }
      if (spent.compareAndSet(current, current + cost)) {
        undo.add(at -> spent.addAndGet(-cost));
        return true;
      }
    }
  }

  private void adjustSpend(String owner, BudgetSpec budget, long delta) {
    if (budget != null && delta != 0) {
      spend.computeIfAbsent(spendKey(owner, budget), k -> new AtomicLong()).addAndGet(delta);
    }
  }

  private String spendKey(String owner, BudgetSpec budget) {
    return owner + '|' + budget.periodId(Instant.ofEpochMilli(wallMillis.getAsLong()));
  }

  private RateLimitHeaders headers(KeyState key, AdmissionRequest request, long now) {
    long rpm = shareOf(request.keyLimits().requestsPerMinute());
    long tpm = shareOf(request.keyLimits().tokensPerMinute());
    return new RateLimitHeaders(
        rpm,
        rpm > 0 ? key.requests.remaining(rpm, MINUTE_NANOS, now) : 0,
        rpm > 0 ? TimeUnit.NANOSECONDS.toMillis(key.requests.nanosUntilFull(now)) : 0,
        tpm,
        tpm > 0 ? key.tokens.remaining(tpm, MINUTE_NANOS, now) : 0,
        tpm > 0 ? TimeUnit.NANOSECONDS.toMillis(key.tokens.nanosUntilFull(now)) : 0);
  }

  /** Steps already taken by an admission, given back when a later step refuses. */
  private static final class Undo {
    private java.util.List<java.util.function.LongConsumer> steps;

    void add(java.util.function.LongConsumer step) {
      if (steps == null) {
        steps = new java.util.ArrayList<>(4);
      }
      steps.add(step);
    }

    void run(long now) {
      if (steps != null) {
        steps.forEach(step -> step.accept(now));
      }
    }
  }

  private static final class KeyState {
    final Gcra requests;
    final Gcra tokens;
    final AtomicInteger openStreams = new AtomicInteger();

    KeyState(long now) {
      requests = new Gcra(now);
      tokens = new Gcra(now);
    }

    boolean tryOpenStream(int max) {
      while (true) {
        int open = openStreams.get();
        if (open >= max) {
          return false;
        }
        if (openStreams.compareAndSet(open, open + 1)) {
          return true;
        }
      }
    }
  }

  private static final class OrgState {
    final Gcra requests;
    final Gcra tokens;

    OrgState(long now) {
      requests = new Gcra(now);
      tokens = new Gcra(now);
    }
  }
}
