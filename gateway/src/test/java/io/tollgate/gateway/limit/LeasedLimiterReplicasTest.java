package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leases across three replicas sharing one real Redis (ADR 15): a limit of N admits never more than
 * N and at least 0.95 N when demand exceeds it, for a slow key (asked per request) and a fast one
 * (asked a few times); a replica killed holding leases keeps at most its capped share, and its stream
 * slots come back when their lease ends; Redis paused past the deadline applies the fail policy,
 * logged once for the episode. Time is a fake clock, so every bucket is decided at one instant.
 */
class LeasedLimiterReplicasTest {

  private final AtomicLong nowMillis = new AtomicLong(1_795_000_000_000L);
  private GuardedVertx guarded;
  private LocalRedis redis;
  private final List<LeasedLimiter> replicas = new ArrayList<>();

  @BeforeEach
  void start() {
    guarded = GuardedVertx.create();
    redis = LocalRedis.connect(guarded.vertx());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (LeasedLimiter replica : replicas) {
        redis.onContext(replica::close);
      }
      redis.cleanUp();
    } finally {
      guarded.closeAndAssert();
    }
  }

  private LeasedLimiter replica(RedisSettings settings, Redis client) throws Exception {
    RedisLimiter exact = new RedisLimiter(guarded.vertx(), client, settings,
        new LocalLimiter(() -> nowMillis.get() * 1_000_000L, nowMillis::get, settings.replicas()),
        () -> nowMillis.get() * 1_000L, nowMillis::get);
    LeasedLimiter leased = new LeasedLimiter(guarded.vertx(), client, settings, exact, () -> nowMillis.get() * 1_000L,
        nowMillis::get);
    redis.onContext(leased::start);
    replicas.add(leased);
    return leased;
  }

  private List<LeasedLimiter> threeReplicas() throws Exception {
    RedisSettings settings = redis.settings(RedisSettings.FailPolicy.CLOSED, 3);
    return List.of(replica(settings, redis.client()), replica(settings, redis.client()),
        replica(settings, redis.client()));
  }

  /** Sends {@code count} requests one after another through one replica; the number admitted. */
  private int admitInTurn(LeasedLimiter limiter, AdmissionRequest request, int count) throws Exception {
    AtomicInteger admitted = new AtomicInteger();
    redis.onContext(() -> {
      Promise<Void> finished = Promise.promise();
      next(limiter, request, count, admitted, finished);
      return finished.future();
    });
    return admitted.get();
  }

  private void next(LeasedLimiter limiter, AdmissionRequest request, int left, AtomicInteger admitted,
                    Promise<Void> finished) {
    int remaining = left;
    while (remaining > 0) {
      Future<Admission> decision = limiter.admit(request);
      remaining--;
      if (!decision.isComplete()) {
        int after = remaining;
        decision.onComplete(result -> {
          count(result.result(), admitted);
          next(limiter, request, after, admitted, finished);
        });
        return;
      }
      count(decision.result(), admitted);
    }
    finished.complete();
  }

  private static void count(Admission admission, AtomicInteger admitted) {
    if (admission != null && admission.admitted()) {
      admitted.incrementAndGet();
      assertTrue(admission.decidedBy().equals("lease") || admission.decidedBy().equals("redis"), admission.decidedBy());
    }
  }

  /** Spreads {@code total} requests over the replicas in rounds of {@code chunk}; the number admitted. */
  private int admitAcross(List<LeasedLimiter> limiters, AdmissionRequest request, int total, int chunk)
      throws Exception {
    int admitted = 0;
    int sent = 0;
    for (int round = 0; sent < total; round++) {
      int n = Math.min(chunk, total - sent);
      admitted += admitInTurn(limiters.get(round % limiters.size()), request, n);
      sent += n;
    }
    return admitted;
  }

  @Test
  void aLimitOfNAdmitsNeverMoreThanNAndAtLeastMostOfItForSlowAndFastKeys() throws Exception {
    List<LeasedLimiter> three = threeReplicas();
    AdmissionRequest slow = new AdmissionRequest("slow", "mixed", new LimitSpec(6, 0, 0), LimitSpec.UNLIMITED, 10,
        0, null, null);
    AdmissionRequest fast = new AdmissionRequest("fast", "mixed", new LimitSpec(60_000, 0, 0), LimitSpec.UNLIMITED,
        10, 0, null, null);

    int slowAdmitted = admitAcross(three, slow, 4 * 6, 1);
    int fastAdmitted = admitAcross(three, fast, 4 * 60_000, 500);

    assertEquals(6, slowAdmitted, "6 RPM: exactly 6 of 24");
    assertTrue(fastAdmitted <= 60_000, "never more than N: " + fastAdmitted);
    assertTrue(fastAdmitted >= 57_000, "at least 0.95 N: " + fastAdmitted);
    long calls = three.stream().mapToLong(LeasedLimiter::leaseCalls).sum();
    System.out.println("fast key: " + fastAdmitted + " of 240,000 admitted with " + calls + " lease calls");
    assertTrue(calls < 2_000, "a busy key asks Redis rarely: " + calls + " lease calls for 240,024 requests");
  }

  @Test
  void tokenLimitsOfKeyAndOrgHoldAcrossReplicasWithUnusedTokensGivenBack() throws Exception {
    List<LeasedLimiter> three = threeReplicas();
    LimitSpec orgLimits = new LimitSpec(0, 600_000, 0);
    int admitted = 0;
    long tokensUsed = 0;
    for (int i = 0; i < 3_000; i++) {
      LeasedLimiter limiter = three.get(i % 3);
      AdmissionRequest request = new AdmissionRequest("k" + (i % 5), "tokens", new LimitSpec(0, 200_000, 0), orgLimits,
          500, 0, null, null);
      Admission admission = redis.onContext(() -> limiter.admit(request));
      if (admission.admitted()) {
        admitted++;
        tokensUsed += 300;
        Reservation reservation = admission.reservation();
        redis.onContext(() -> limiter.settle(reservation, 300, 0));
      }
    }
    // Each request reserves 500 and uses 300: at most 600,000 tokens used, so 2,000 requests.
    assertTrue(tokensUsed <= 600_000, "the org's tokens per minute hold: " + tokensUsed);
    assertTrue(admitted >= 0.95 * 2_000, "at least 0.95 of what fits: " + admitted);
  }

  @Test
  void aReplicaKilledHoldingLeasesKeepsAtMostItsShareAndItsSlotsComeBackWhenTheLeaseEnds() throws Exception {
    List<LeasedLimiter> three = threeReplicas();
    LeasedLimiter doomed = three.get(0);
    AdmissionRequest fast = new AdmissionRequest("fast", "killed", new LimitSpec(60_000, 0, 0), LimitSpec.UNLIMITED,
        10, 0, null, null);
    AdmissionRequest stream = new AdmissionRequest("streams", "killed", new LimitSpec(0, 0, 6), LimitSpec.UNLIMITED,
        10, 0, null, null);
    assertEquals(100, admitInTurn(doomed, fast, 100));
    assertEquals(5, admitInTurn(doomed, stream, 5), "five streams running on the doomed replica");
    doomed.abandon();

    int others = admitAcross(three.subList(1, 3), fast, 4 * 60_000, 500);
    assertTrue(100 + others <= 60_000, "never more than N, the dead replica's admissions included: " + others);
    assertTrue(100 + others >= 57_000, "its unused credit is at most a small share: " + others);

    LeasedLimiter survivor = three.get(1);
    assertEquals(1, admitInTurn(survivor, stream, 3), "one slot of six is free while the dead replica's lease lasts");
    nowMillis.addAndGet(TimeUnit.MICROSECONDS.toMillis(LeasedLimiter.SLOT_LEASE_MICROS) + 1);
    assertEquals(5, admitInTurn(survivor, stream, 6), "its five slots came back when its lease ended");
  }

  @Test
  void aSlotFreedOnOneReplicaIsAtOnceFreeOnAnother() throws Exception {
    List<LeasedLimiter> three = threeReplicas();
    AdmissionRequest stream = new AdmissionRequest("two", "slots", new LimitSpec(0, 0, 2), LimitSpec.UNLIMITED,
        10, 0, null, null);
    Admission first = redis.onContext(() -> three.get(0).admit(stream));
    Admission second = redis.onContext(() -> three.get(1).admit(stream));
    assertTrue(first.admitted() && second.admitted());
    assertFalse(redis.<Admission>onContext(() -> three.get(2).admit(stream)).admitted(), "both slots taken");
    redis.onContext(() -> three.get(0).settle(first.reservation(), 5, 0));
    assertTrue(redis.<Admission>onContext(() -> three.get(2).admit(stream)).admitted(),
        "the slot a finished stream freed on one replica is free on the others once its settle completes");
  }

  @Test
  void redisPausedPastTheDeadlineAppliesThePolicyOnceAnEpisodeWhileHeldCreditIsStillSpent() throws Exception {
    Redis own = Redis.createClient(guarded.vertx(), new RedisOptions().setConnectionString(LocalRedis.URL));
    RedisSettings settings = redis.settings(RedisSettings.FailPolicy.CLOSED, 1).withTimeoutMs(100);
    LeasedLimiter limiter = replica(settings, own);
    AdmissionRequest fast = new AdmissionRequest("held", "paused", new LimitSpec(600_000, 0, 0), LimitSpec.UNLIMITED,
        10, 0, null, null);
    AdmissionRequest cold = new AdmissionRequest("cold", "paused", new LimitSpec(600_000, 0, 0), LimitSpec.UNLIMITED,
        10, 0, null, null);
    admitInTurn(limiter, fast, 50); // credit taken ahead for the next requests
    List<String> warnings = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record.getMessage());
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger logger = Logger.getLogger(RedisLimiter.class.getName());
    logger.addHandler(capture);
    try {
      redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(600).arg("ALL"));
      List<Admission> during = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        during.add(redis.onContext(() -> limiter.admit(cold)));
      }
      Admission spentHere = redis.onContext(() -> limiter.admit(fast));
      assertTrue(spentHere.admitted() && "lease".equals(spentHere.decidedBy()),
          "credit held before the pause is spent without Redis: " + spentHere.decidedBy());
      for (Admission admission : during) {
        assertFalse(admission.admitted());
        assertEquals("limiter_unavailable", admission.error().code(), "fail closed: 503");
      }
      assertEquals(1, warnings.size(), "one warning for the episode: " + warnings);
      assertTrue(limiter.exact().degraded());
      Thread.sleep(800); // the pause ends
      long deadline = System.currentTimeMillis() + 5_000;
      Admission after = redis.onContext(() -> limiter.admit(cold));
      while (!(after.admitted() && "redis".equals(after.decidedBy())) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        after = redis.onContext(() -> limiter.admit(cold));
      }
      assertTrue(after.admitted() && "redis".equals(after.decidedBy()), "back on Redis once it answers");
      assertFalse(limiter.exact().degraded());
      assertEquals(1, warnings.size(), "still one warning: " + warnings);
    } finally {
      logger.removeHandler(capture);
      redis.onContext(own::close);
    }
  }
}
