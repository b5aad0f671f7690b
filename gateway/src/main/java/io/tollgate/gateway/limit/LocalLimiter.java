package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.http.ApiError;
import io.vertx.core.Future;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * In-process limiter for standalone mode: per key, two GCRA buckets (RPM and TPM) and a stream
 * counter, all lock-free so that every event loop can admit without contention on a lock.
 */
public final class LocalLimiter implements Limiter {

  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  public LocalLimiter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  public LocalLimiter() {
    this(System::nanoTime);
  }

  @Override
  public Future<Admission> admit(String keyId, LimitSpec limits, long tokensToReserve) {
    return Future.succeededFuture(admitNow(keyId, limits, tokensToReserve));
  }

  /** The synchronous decision (the local limiter never waits on anything). */
  public Admission admitNow(String keyId, LimitSpec limits, long tokensToReserve) {
    long now = nanoClock.getAsLong();
    KeyState state = states.computeIfAbsent(keyId, id -> new KeyState(now));
    long rpm = limits.requestsPerMinute();
    long tpm = limits.tokensPerMinute();
    long tokens = tpm > 0 ? tokensToReserve : 0;

    if (tpm > 0 && tokens > tpm) {
      return Admission.refuse(ApiError.rateLimited("Request too large: it may use up to " + tokens
              + " tokens (prompt estimate + max_tokens) but this key's limit is " + tpm
              + " tokens per minute. Lower max_tokens or the prompt."), -1, headers(state, limits, now));
    }
    if (rpm > 0) {
      long wait = state.requests.tryTake(1, rpm, MINUTE_NANOS, now);
      if (wait > 0) {
        return refused("requests per minute", rpm, wait, state, limits, now);
      }
    }
    if (tpm > 0) {
      long wait = state.tokens.tryTake(tokens, tpm, MINUTE_NANOS, now);
      if (wait > 0) {
        if (rpm > 0) {
          state.requests.giveBack(1, rpm, MINUTE_NANOS, now);
        }
        return refused("tokens per minute", tpm, wait, state, limits, now);
      }
    }
    int maxStreams = limits.maxConcurrentStreams();
    if (maxStreams > 0 && !state.tryOpenStream(maxStreams)) {
      if (rpm > 0) {
        state.requests.giveBack(1, rpm, MINUTE_NANOS, now);
      }
      if (tpm > 0) {
        state.tokens.giveBack(tokens, tpm, MINUTE_NANOS, now);
      }
      return Admission.refuse(ApiError.rateLimited("Too many concurrent requests: this key allows "
          + maxStreams + " at once."), 1000, headers(state, limits, now));
    }
    if (maxStreams <= 0) {
      state.openStreams.incrementAndGet(); // counted for visibility even when unlimited
    }
    return Admission.admit(new Reservation(keyId, limits, tokens), headers(state, limits, now));
  }

  @Override
  public void settle(Reservation reservation, long actualTokens) {
    if (!reservation.markSettled()) {
      return;
    }
    KeyState state = states.get(reservation.keyId());
    if (state == null) {
      return;
    }
    state.openStreams.decrementAndGet();
    long tpm = reservation.limits().tokensPerMinute();
    if (tpm <= 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    long difference = actualTokens - reservation.reservedTokens();
    if (difference < 0) {
      state.tokens.giveBack(-difference, tpm, MINUTE_NANOS, now);
    } else if (difference > 0) {
      state.tokens.charge(difference, tpm, MINUTE_NANOS, now);
    }
  }

  /** Streams currently open for a key (for tests and metrics). */
  public int openStreams(String keyId) {
    KeyState state = states.get(keyId);
    return state == null ? 0 : state.openStreams.get();
  }

  private Admission refused(String what, long limit, long waitNanos, KeyState state, LimitSpec limits, long now) {
    long retryMillis = TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1;
    return Admission.refuse(ApiError.rateLimited("Rate limit reached: " + limit + " " + what
        + " for this key. Retry in " + RateLimitHeaders.duration(retryMillis) + "."), retryMillis,
        headers(state, limits, now));
  }

  private static RateLimitHeaders headers(KeyState state, LimitSpec limits, long now) {
    long rpm = limits.requestsPerMinute();
    long tpm = limits.tokensPerMinute();
    return new RateLimitHeaders(
        rpm,
        rpm > 0 ? state.requests.remaining(rpm, MINUTE_NANOS, now) : 0,
        rpm > 0 ? TimeUnit.NANOSECONDS.toMillis(state.requests.nanosUntilFull(now)) : 0,
        tpm,
        tpm > 0 ? state.tokens.remaining(tpm, MINUTE_NANOS, now) : 0,
        tpm > 0 ? TimeUnit.NANOSECONDS.toMillis(state.tokens.nanosUntilFull(now)) : 0);
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
}
