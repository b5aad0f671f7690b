package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import io.vertx.core.Future;

/**
 * What this replica holds of one key's limits in Redis (ADR 15): credit taken from the key's and its
 * org's buckets and not yet spent, overruns settled here and not yet charged there, and the stream
 * slots it holds. Every method and field is used under the lease's monitor.
 */
final class KeyLease {

  final RedisKeys keys;
  final String leaseId;
  LimitSpec keyLimits;
  LimitSpec orgLimits;

  long keyRequests;
  long keyTokens;
  long orgRequests;
  long orgTokens;
  long keyTokensOwed;
  long orgTokensOwed;
  long slotsHeld;
  long slotsInUse;

  /** Spending since the last lease call, which sizes the next one's extra. */
  long requestsSpent;
  long tokensSpent;
  long lastCallMicros;

  /** What the last lease call took beyond the need, per bucket and slots: the credit worth keeping. */
  long[] lastExtra = new long[5];
  /** What Redis said was left at the last call, not counting this replica's credit. */
  RateLimitHeaders lastAnswer = RateLimitHeaders.NONE;
  long lastUseMicros;
  long lastRenewMicros;
  /**
   * The last rate refusal Redis gave, kept until its retry-after: a request that needs as much is
   * refused here without a call (a client hammering a key over its limit costs Redis nothing more).
   */
  Admission refusal;
  long refusedUntilMicros;
  long refusedShortfallTokens;
  /** The lease call asking for extra credit now on its way (one at a time), else null. */
  Future<Void> extraCall;

  KeyLease(RedisKeys keys, String leaseId, LimitSpec keyLimits, LimitSpec orgLimits) {
    this.keys = keys;
    this.leaseId = leaseId;
    this.keyLimits = keyLimits;
    this.orgLimits = orgLimits;
  }

  boolean limitsAre(LimitSpec key, LimitSpec org) {
    return keyLimits.equals(key) && orgLimits.equals(org);
  }

  /** Whether the credit held covers the request entirely. */
  boolean covers(AdmissionRequest request) {
    return shortfall(request).none();
  }

  Shortfall shortfall(AdmissionRequest request) {
    long tokens = request.tokens();
    return new Shortfall(
        keyLimits.requestsPerMinute() > 0 ? Math.max(0, 1 - keyRequests) : 0,
        keyLimits.tokensPerMinute() > 0 ? Math.max(0, tokens - keyTokens) : 0,
        orgLimits.requestsPerMinute() > 0 ? Math.max(0, 1 - orgRequests) : 0,
        orgLimits.tokensPerMinute() > 0 ? Math.max(0, tokens - orgTokens) : 0,
        keyLimits.maxConcurrentStreams() > 0 && slotsHeld - slotsInUse < 1 ? 1 : 0);
  }

  /** Spends the request's need from the credit (which covers it). */
  void spend(AdmissionRequest request, long nowMicros) {
    long tokens = request.tokens();
    if (keyLimits.requestsPerMinute() > 0) {
      keyRequests--;
    }
    if (keyLimits.tokensPerMinute() > 0) {
      keyTokens -= tokens;
    }
    if (orgLimits.requestsPerMinute() > 0) {
      orgRequests--;
    }
    if (orgLimits.tokensPerMinute() > 0) {
      orgTokens -= tokens;
    }
    if (keyLimits.maxConcurrentStreams() > 0) {
      slotsInUse++;
    }
    requestsSpent++;
    tokensSpent += tokens;
    lastUseMicros = nowMicros;
  }

  /** Adds what a lease call took: {key requests, key tokens, org requests, org tokens, slots}. */
  void credit(long[] taken) {
    keyRequests += taken[0];
    keyTokens += taken[1];
    orgRequests += taken[2];
    orgTokens += taken[3];
    slotsHeld += taken[4];
  }

  /**
   * A request ended: its unused tokens come back as credit, an overrun is paid from the credit or
   * owed to Redis, its slot is free again.
   */
  void settle(long reservedTokens, long actualTokens) {
    refusal = null; // what it gives back may make room
    long unused = reservedTokens - actualTokens;
    // Leases are sized by what requests really use, not by what they reserve.
    tokensSpent = Math.max(0, tokensSpent - unused);
    if (keyLimits.tokensPerMinute() > 0) {
      keyTokens += unused;
      if (keyTokens < 0) {
        keyTokensOwed -= keyTokens;
        keyTokens = 0;
      }
    }
    if (orgLimits.tokensPerMinute() > 0) {
      orgTokens += unused;
      if (orgTokens < 0) {
        orgTokensOwed -= orgTokens;
        orgTokens = 0;
      }
    }
    if (keyLimits.maxConcurrentStreams() > 0) {
      slotsInUse = Math.max(0, slotsInUse - 1);
    }
  }

  /** The cached refusal, if it still applies to a request lacking {@code shortfall}. */
  Admission cachedRefusal(Shortfall shortfall, long nowMicros) {
    if (refusal == null || nowMicros >= refusedUntilMicros
        || shortfall.keyTokens() + shortfall.orgTokens() < refusedShortfallTokens) {
      return null;
    }
    long retryMillis = Math.max(1, (refusedUntilMicros - nowMicros + 999) / 1_000);
    return new Admission(false, null, headers(), retryMillis, refusal.error(), "lease", null);
  }

  /** Keeps a refusal by a rate bucket until it may pass (not a slot's: slots free whenever a stream ends). */
  void rememberRefusal(Admission admission, Shortfall shortfall, long nowMicros) {
    if (admission.retryAfterMillis() <= 0) {
      return;
    }
    refusal = admission;
    refusedUntilMicros = nowMicros + admission.retryAfterMillis() * 1_000 - 1_000;
    refusedShortfallTokens = shortfall.keyTokens() + shortfall.orgTokens();
  }

  /** The x-ratelimit figures: what Redis had left at the last call plus the credit held here. */
  RateLimitHeaders headers() {
    return new RateLimitHeaders(
        keyLimits.requestsPerMinute(), lastAnswer.remainingRequests() + Math.max(0, keyRequests),
        lastAnswer.resetRequestsMillis(),
        keyLimits.tokensPerMinute(), lastAnswer.remainingTokens() + Math.max(0, keyTokens),
        lastAnswer.resetTokensMillis());
  }

  /** The overruns not yet charged, handed to a call (which gives them back with {@link #owe} if it fails). */
  long[] takeOwed() {
    long[] owed = {keyTokensOwed, orgTokensOwed};
    keyTokensOwed = 0;
    orgTokensOwed = 0;
    return owed;
  }

  void owe(long[] owed) {
    keyTokensOwed += owed[0];
    orgTokensOwed += owed[1];
  }

  /** A lease call answered: spending is measured afresh from now, and the slots' lease was renewed. */
  void startedCall(long nowMicros, long[] extraTaken) {
    lastCallMicros = nowMicros;
    requestsSpent = 0;
    tokensSpent = 0;
    lastExtra = extraTaken;
    lastRenewMicros = nowMicros;
  }

  /** Whether some credit fell under half of what the last call added beyond its need. */
  boolean runningLow() {
    return low(keyLimits.requestsPerMinute(), keyRequests, lastExtra[0])
        || low(keyLimits.tokensPerMinute(), keyTokens, lastExtra[1])
        || low(orgLimits.requestsPerMinute(), orgRequests, lastExtra[2])
        || low(orgLimits.tokensPerMinute(), orgTokens, lastExtra[3])
        || low(keyLimits.maxConcurrentStreams(), slotsHeld - slotsInUse, lastExtra[4]);
  }

  private static boolean low(long limit, long credit, long lastExtra) {
    return limit > 0 && lastExtra > 0 && credit * 2 < lastExtra;
  }

  /**
   * Whether the lease holds more than a replica may hold unused: credit past its cap of the limit
   * (any credit, for a limit asked per request, so unused tokens and a freed slot go back at once), or
   * an overrun not charged for such a limit. Below the cap credit stays for the key's next requests.
   */
  boolean hasSurplus(LeaseSizing sizing) {
    long keyTpm = keyLimits.tokensPerMinute();
    long orgTpm = orgLimits.tokensPerMinute();
    return keyTokens > sizing.cap(keyTpm) || orgTokens > sizing.cap(orgTpm)
        || slotsHeld - slotsInUse > sizing.cap(keyLimits.maxConcurrentStreams())
        || (keyTokensOwed > 0 && sizing.cap(keyTpm) == 0) || (orgTokensOwed > 0 && sizing.cap(orgTpm) == 0);
  }

  /** Whether anything is held beyond the slots in use: what an idle key gives back. */
  boolean holdsSurplus() {
    return keyRequests > 0 || keyTokens > 0 || orgRequests > 0 || orgTokens > 0 || keyTokensOwed > 0
        || orgTokensOwed > 0 || slotsHeld > slotsInUse;
  }

  /** The credit worth keeping when a surplus goes back: what the last call added beyond its need. */
  Keep keep() {
    return new Keep(Math.max(lastExtra[0], lastExtra[2]), Math.max(lastExtra[1], lastExtra[3]), lastExtra[4]);
  }

  /** Keeps all the credit: a release that only charges overruns and renews the slots' lease. */
  static Keep everything() {
    return new Keep(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
  }

  boolean holdsAnything() {
    return holdsSurplus() || slotsHeld > 0;
  }

  /**
   * Takes everything beyond {@code keep} out of the lease for a release: {key requests, key tokens
   * (negative: owed), org requests, org tokens (negative: owed)}, and the slots held after it. With
   * {@code keep} null, all the credit and every slot not in use.
   */
  Release takeSurplus(Keep keep) {
    long keepRequests = keep == null ? 0 : keep.requests();
    long keepTokens = keep == null ? 0 : keep.tokens();
    long keySurplusRequests = Math.max(0, keyRequests - keepRequests);
    long keySurplusTokens = Math.max(0, keyTokens - keepTokens);
    long orgSurplusRequests = Math.max(0, orgRequests - keepRequests);
    long orgSurplusTokens = Math.max(0, orgTokens - keepTokens);
    long[] back = {keySurplusRequests, keySurplusTokens - keyTokensOwed, orgSurplusRequests,
        orgSurplusTokens - orgTokensOwed};
    keyRequests -= keySurplusRequests;
    keyTokens -= keySurplusTokens;
    orgRequests -= orgSurplusRequests;
    orgTokens -= orgSurplusTokens;
    keyTokensOwed = 0;
    orgTokensOwed = 0;
    long heldBefore = slotsHeld;
    slotsHeld = Math.min(slotsHeld, slotsInUse + (keep == null ? 0 : keep.slots()));
    return new Release(back, heldBefore - slotsHeld, slotsHeld, keyLimits, orgLimits);
  }

  /** What one request lacks of each bucket, beyond the credit held. */
  record Shortfall(long keyRequests, long keyTokens, long orgRequests, long orgTokens, long slots) {
    static final Shortfall NONE = new Shortfall(0, 0, 0, 0, 0);

    boolean none() {
      return keyRequests == 0 && keyTokens == 0 && orgRequests == 0 && orgTokens == 0 && slots == 0;
    }
  }

  /** Credit a lease keeps for its next requests when it gives back a surplus. */
  record Keep(long requests, long tokens, long slots) {
  }

  /** What a release gives back, under the limits the credit was taken with. */
  record Release(long[] returned, long slotsReturned, long slotsHeldAfter, LimitSpec keyLimits,
                 LimitSpec orgLimits) {
  }
}
