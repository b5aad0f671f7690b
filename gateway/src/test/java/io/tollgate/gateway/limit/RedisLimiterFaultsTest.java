package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.TcpRelay;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis limiter through real faults (a relay in front of the real Redis resets or hangs its
 * connections) with long streams in flight under fail-open: the settlements that failed are kept
 * and land once Redis is back, so the key's slots are free and new streams are admitted at once;
 * and a slot whose request never settles ends with its deadline's lease.
 */
class RedisLimiterFaultsTest {

  private static final int MAX_STREAMS = 4;

  private GuardedVertx guarded;
  private LocalRedis direct;
  private TcpRelay relay;
  private Redis viaRelay;
  private RedisLimiter limiter;
  private final AtomicLong clockMillis = new AtomicLong(System.currentTimeMillis());

  @BeforeEach
  void start() throws Exception {
    guarded = GuardedVertx.create();
    direct = LocalRedis.connect(guarded.vertx());
    URI redis = URI.create(LocalRedis.URL);
    relay = guarded.vertx().executeBlocking(() -> TcpRelay.start(guarded.vertx(), redis.getHost(), redis.getPort())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    viaRelay = Redis.createClient(guarded.vertx(), new RedisOptions()
        .setConnectionString("redis://127.0.0.1:" + relay.port()).setMaxPoolSize(8).setMaxPoolWaiting(1_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(1_000)));
    RedisSettings settings = LocalRedis.settings("redis://127.0.0.1:" + relay.port(), direct.prefix(),
        RedisSettings.FailPolicy.OPEN, 1).withTimeoutMs(500);
    limiter = new RedisLimiter(guarded.vertx(), viaRelay, settings,
        new LocalLimiter(() -> clockMillis.get() * 1_000_000L, clockMillis::get, 1),
        () -> clockMillis.get() * 1_000L, clockMillis::get);
    // Scripts loaded and connections made before the first admission (as the gateway does at start).
    direct.onContext(() -> limiter.warmUp(4));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      direct.onContext(() -> relay.close());
      direct.onContext(viaRelay::close);
      direct.cleanUp();
    } finally {
      guarded.closeAndAssert();
    }
  }

  private AdmissionRequest stream(long deadlineMillis) {
    return new AdmissionRequest("long-streams", "org-faults", new LimitSpec(0, 0, MAX_STREAMS), LimitSpec.UNLIMITED,
        100, 0, null, null, deadlineMillis);
  }

  private Admission admit(AdmissionRequest request) throws Exception {
    return direct.onContext(() -> limiter.admit(request));
  }

  private long slotsHeld() throws Exception {
    return direct.send(Request.cmd(Command.ZCARD).arg("{" + direct.prefix() + ":org-faults}:k:long-streams:streams"))
        .toLong();
  }

  private List<Reservation> fillTheSlots() throws Exception {
    List<Reservation> streams = new ArrayList<>();
    for (int i = 0; i < MAX_STREAMS; i++) {
      Admission admission = admit(stream(0));
      assertTrue(admission.admitted(), "stream " + i + " admitted");
      assertEquals("redis", admission.decidedBy());
      streams.add(admission.reservation());
    }
    assertFalse(admit(stream(0)).admitted(), "a fifth stream waits for a slot");
    assertEquals(MAX_STREAMS, slotsHeld());
    return streams;
  }

  private void settleAll(List<Reservation> streams) throws Exception {
    for (Reservation reservation : streams) {
      direct.onContext(() -> limiter.settle(reservation, 50, 0));
    }
  }

  /** After the fault: within a second (no lease waited out), the slots are free and streams are admitted. */
  private void assertSlotsFreeAndStreamsAdmittedAtOnce() throws Exception {
    long deadline = System.currentTimeMillis() + 8_000;
    Admission admission = admit(stream(0));
    System.out.println("after the fault: slots " + slotsHeld() + ", pending " + limiter.settlesPending() + ", first "
        + admission.admitted() + " by " + admission.decidedBy());
    while (!(admission.admitted() && "redis".equals(admission.decidedBy())) && System.currentTimeMillis() < deadline) {
      if (admission.admitted()) {
        Reservation local = admission.reservation();
        direct.onContext(() -> limiter.settle(local, 0, 0));
      }
      Thread.sleep(100);
      admission = admit(stream(0));
    }
    assertTrue(admission.admitted() && "redis".equals(admission.decidedBy()),
        "a new stream is admitted on Redis once it is back: " + admission.decidedBy());
    assertEquals(1, slotsHeld(), "only the new stream holds a slot: the failed settlements freed theirs");
    long landedBy = System.currentTimeMillis() + 10_000;
    while (limiter.settlesPending() > 0 && System.currentTimeMillis() < landedBy) {
      Thread.sleep(100);
    }
    assertEquals(0, limiter.settlesPending(), "every kept settlement landed (or found itself settled already)");
    for (int i = 1; i < MAX_STREAMS; i++) {
      assertTrue(admit(stream(0)).admitted(), "the key's every slot is free again");
    }
    assertEquals(0, limiter.settlesAbandoned());
  }

  @Test
  void settlementsFailedByResetConnectionsAreKeptAndLandWhenRedisIsBack() throws Exception {
    List<Reservation> streams = fillTheSlots();
    relay.cut();
    // Fail-open while Redis is gone: admission goes on locally.
    assertEquals("fail_open", admit(stream(0)).decidedBy());
    settleAll(streams);
    assertEquals(MAX_STREAMS, limiter.settlesPending(), "the four failed settlements are kept");
    assertTrue(limiter.settleFailures() >= MAX_STREAMS);
    Thread.sleep(1_500); // retries meanwhile fail, and are kept
    assertEquals(MAX_STREAMS, limiter.settlesPending());
    assertEquals(MAX_STREAMS, slotsHeld(), "Redis still holds the slots the outage could not free");

    direct.onContext(() -> relay.restore());
    long restored = System.currentTimeMillis();
    assertSlotsFreeAndStreamsAdmittedAtOnce();
    assertTrue(System.currentTimeMillis() - restored < 8_000);
    assertEquals(MAX_STREAMS, limiter.settlesLandedAfterRetry());
  }

  @Test
  void settlementsFailedByAHungRedisLandOnceItAnswersAgain() throws Exception {
    List<Reservation> streams = fillTheSlots();
    relay.blackhole(true);
    settleAll(streams);
    assertEquals(MAX_STREAMS, limiter.settlesPending(), "settlements that timed out are kept");
    Thread.sleep(20_000);
    assertEquals(MAX_STREAMS, limiter.settlesPending(), "still kept after 20 s of a hung Redis");
    assertEquals(MAX_STREAMS, slotsHeld());

    relay.blackhole(false);
    assertSlotsFreeAndStreamsAdmittedAtOnce();
    assertEquals(MAX_STREAMS, limiter.settlesLandedAfterRetry());
  }

  @Test
  void aSlotWhoseRequestNeverSettlesIsFreedWhenItsDeadlinesLeaseEnds() throws Exception {
    long deadlineMillis = 60_000;
    for (int i = 0; i < MAX_STREAMS; i++) {
      assertTrue(admit(stream(deadlineMillis)).admitted());
    }
    assertFalse(admit(stream(deadlineMillis)).admitted(), "all slots held");
    // The replica that held them died: nobody settles. Just before the lease ends they are held...
    clockMillis.addAndGet(deadlineMillis + TimeUnit.MICROSECONDS.toMillis(RedisLimiter.LEASE_MARGIN_MICROS) - 1_000);
    assertFalse(admit(stream(deadlineMillis)).admitted(), "the leases have not ended yet");
    // ...and once the deadline and its margin passed, they are free: not after the 15-minute default.
    clockMillis.addAndGet(2_000);
    assertTrue(admit(stream(deadlineMillis)).admitted(), "the slots ended with their requests' deadline");
    assertEquals(1, slotsHeld());
    assertEquals(RedisLimiter.STREAM_LEASE_MICROS, RedisLimiter.leaseMicros(stream(0)), "no deadline: the bound");
  }
}
