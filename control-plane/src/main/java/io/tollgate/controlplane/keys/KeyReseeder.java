package io.tollgate.controlplane.keys;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.controlplane.store.KeyStore;
import io.tollgate.controlplane.store.KeyStore.StoredKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * PostgreSQL holds the keys; the gateways' Redis is a copy this keeps whole, by itself. Every few
 * seconds it compares a digest of the keys in PostgreSQL with the seed marker
 * {@code <prefix>:keys:seeded} in Redis. A missing marker (Redis restarted without persistence, a
 * failover to a fresh replica, a flush) or another digest (an older replica, a write that was lost)
 * re-seeds every key record, then sets the marker to the digest. A Redis that does not answer is
 * tried again at the next check: the re-seed comes within one period of its return.
 *
 * <p>A re-seed never undoes a newer write made meanwhile through the API: a live key's record is
 * written only where Redis has none ({@code SET NX}); a revoked one always (a revocation is final).
 * So a stale record of a live key in an older replica (its limits, its expiry) is corrected by the
 * key's next change, not by the re-seed; a missing or revoked one is restored at once.
 */
public final class KeyReseeder {

  public static final long CHECK_PERIOD_MS = 2_000;
  private static final Logger LOG = Logger.getLogger(KeyReseeder.class.getName());
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final String prefix;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong reseeds = new AtomicLong();
  private final AtomicLong recordsWritten = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean failing;
  private long timer = -1;

  public KeyReseeder(Vertx vertx, Pool pool, Redis redis, String prefix) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.prefix = prefix;
  }

  /** The marker the gateways read (RedisKeyStore.seededMarker): present once Redis holds every record. */
  public static String marker(String prefix) {
    return prefix + ":keys:seeded";
  }

  public void bind(MeterRegistry registry) {
    FunctionCounter.builder("tollgate.control.plane.key.reseeds", reseeds, AtomicLong::get)
        .description("Full re-seeds of the gateways' key records in Redis (marker missing or older)").register(registry);
    FunctionCounter.builder("tollgate.control.plane.key.reseed.records", recordsWritten, AtomicLong::get)
        .description("Key records a re-seed wrote (missing in Redis, or revoked)").register(registry);
    FunctionCounter.builder("tollgate.control.plane.key.reseed.failures", failures, AtomicLong::get)
        .description("Checks or re-seeds that failed (Redis or PostgreSQL unavailable)").register(registry);
  }

  /** Checks now and then every {@link #CHECK_PERIOD_MS}. */
  public KeyReseeder start() {
    check();
    timer = vertx.setPeriodic(CHECK_PERIOD_MS, id -> check());
    return this;
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  public long reseeds() {
    return reseeds.get();
  }

  /** One check (and re-seed if needed); a check still running makes this a no-op. */
  public Future<Void> check() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return KeyStore.fingerprint(pool)
        .compose(digest -> redis.send(Request.cmd(Command.GET).arg(marker(prefix)))
            .compose(seen -> seen != null && digest.equals(seen.toString())
                ? Future.<Void>succeededFuture()
                : reseed(digest, seen == null ? "missing" : "older")))
        .onSuccess(v -> {
          if (failing) {
            failing = false;
            LOG.info("key records in Redis checked again");
          }
        })
        .onFailure(failure -> {
          failures.incrementAndGet();
          if (!failing) {
            failing = true;
            LOG.warning("cannot check the key records in Redis (" + failure + "); retrying every "
                + CHECK_PERIOD_MS + " ms");
          }
        })
        .eventually(() -> {
          running.set(false);
          return Future.succeededFuture();
        });
  }

  private Future<Void> reseed(String digest, String why) {
    return KeyStore.everyStored(pool).compose(keys -> {
      List<Request> writes = new ArrayList<>();
      for (StoredKey key : keys) {
        for (Map.Entry<String, JsonObject> record : KeyRecords.forGateways(key).entrySet()) {
          Request set = Request.cmd(Command.SET).arg(prefix + ":key:" + record.getKey()).arg(record.getValue().encode());
          writes.add(record.getValue().getBoolean("revoked", false) ? set : set.arg("NX"));
        }
      }
      return writeAll(writes, 0, 0).compose(written -> {
        reseeds.incrementAndGet();
        recordsWritten.addAndGet(written);
        LOG.info(() -> "key records in Redis re-seeded from PostgreSQL (marker " + why + "): " + keys.size()
            + " key(s), " + written + " record(s) written");
        return redis.send(Request.cmd(Command.SET).arg(marker(prefix)).arg(digest)).<Void>mapEmpty();
      });
    });
  }

  /** In batches of {@value #BATCH} (one round trip each); counts the SETs that wrote. */
  private Future<Long> writeAll(List<Request> writes, int from, long written) {
    if (from >= writes.size()) {
      return Future.succeededFuture(written);
    }
    List<Request> batch = writes.subList(from, Math.min(writes.size(), from + BATCH));
    return redis.batch(batch).compose(answers -> {
      long wrote = 0;
      for (Response answer : answers) {
        if (answer != null) {
          wrote++;
        }
      }
      return writeAll(writes, from + BATCH, written + wrote);
    });
  }
}
