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
 * PostgreSQL holds the keys; the gateways' Redis is a copy this keeps whole, by itself. Every key
 * change (a key written, its policy changed, a key deleted) moves a version in PostgreSQL
 * (V7__key_change_versions.sql), and Redis's seed marker {@code <prefix>:keys:seeded} holds the
 * version Redis was last brought up to. Every {@link #CHECK_PERIOD_MS} ms:
 * <ul>
 *   <li>marker missing (Redis restarted without persistence, a failover to a fresh replica, a
 *       flush), not a version (written by an older release), or ahead of PostgreSQL (another
 *       database): every key record is written again;</li>
 *   <li>marker older (a failover to a replica that lagged, a restored dump, a write that was lost,
 *       or simply keys changed through the API since): the records of the keys changed since are
 *       written again, stale live ones included, and the deleted keys' records removed;</li>
 * </ul>
 * then the marker is set to the version read before the keys were. A Redis that does not answer is
 * tried again at the next check: the re-seed comes within one period of its return.
 *
 * <p>A re-seed never undoes a newer write made meanwhile through the API: it reads the keys it
 * writes {@code FOR SHARE} in a transaction held until its writes are done, so an API change of
 * one of them (which locks the row, publishes to Redis, then commits) waits for it, or it waits
 * for the change and writes the changed record.
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
        .description("Re-seeds of the gateways' key records in Redis (marker missing, or older than PostgreSQL's key version)").register(registry);
    FunctionCounter.builder("tollgate.control.plane.key.reseed.records", recordsWritten, AtomicLong::get)
        .description("Key records a re-seed wrote or removed").register(registry);
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
    return KeyStore.changeVersion(pool)
        .compose(version -> redis.send(Request.cmd(Command.GET).arg(marker(prefix)))
            .compose(seen -> {
              long seeded = seededVersion(seen);
              if (seeded == version) {
                return Future.<Void>succeededFuture();
              }
              String why = seen == null ? "missing" : seeded < 0 ? "not a version" : seeded > version
                  ? "ahead of PostgreSQL" : "older";
              return reseed(seeded < 0 || seeded > version ? -1 : seeded, why);
            }))
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

  /** The version a marker holds; -1 for none or one that is not a version (an older release's digest). */
  static long seededVersion(Response marker) {
    if (marker == null) {
      return -1;
    }
    try {
      return Long.parseLong(marker.toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The records of the keys changed after {@code since} (all for -1) written, the deleted ones'
   * removed, then the marker set to the version read first: a change made meanwhile is above it
   * and caught up at the next check.
   */
  private Future<Void> reseed(long since, String why) {
    return pool.withTransaction(tx -> KeyStore.changeVersion(tx).compose(version -> KeyStore.changedSince(tx, since)
        .compose(keys -> KeyStore.deletedSince(tx, since).compose(deleted -> {
          List<Request> writes = new ArrayList<>();
          for (StoredKey key : keys) {
            for (Map.Entry<String, JsonObject> record : KeyRecords.forGateways(key).entrySet()) {
              writes.add(Request.cmd(Command.SET).arg(prefix + ":key:" + record.getKey()).arg(record.getValue().encode()));
            }
          }
          for (String hash : deleted) {
            writes.add(Request.cmd(Command.DEL).arg(prefix + ":key:" + hash));
          }
          return writeAll(writes, 0, 0).compose(written -> {
            reseeds.incrementAndGet();
            recordsWritten.addAndGet(written);
            LOG.info(() -> "key records in Redis re-seeded from PostgreSQL (marker " + why + (since < 0 ? ", every key"
                : ", keys changed after version " + since) + "): " + keys.size() + " key(s), " + deleted.size()
                + " deleted, " + written + " record(s) written; now at version " + version);
            return redis.send(Request.cmd(Command.SET).arg(marker(prefix)).arg(Long.toString(version))).<Void>mapEmpty();
          });
        }))));
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
