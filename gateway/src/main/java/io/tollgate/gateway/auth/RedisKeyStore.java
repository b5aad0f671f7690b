package io.tollgate.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.config.sync.PlatformMarker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Platform mode's keys: records in Redis ({@code <prefix>:key:<hash>}, JSON as in
 * {@code config/schemas/key-record.json}), written by the control plane, read through a small
 * in-memory cache. Changes are announced on the channel {@code <prefix>:keys:changed} (message: the
 * key's hash); every replica drops that entry at once, so a revocation takes effect everywhere
 * within the pub/sub latency. After a lost subscription the whole cache is dropped, since messages
 * may have been missed. Keys of the config snapshot are still honoured first.
 *
 * <p>Redis is a cache of the control plane's keys (PostgreSQL), which re-seeds it by itself and
 * marks a complete seed with {@code <prefix>:keys:seeded}. While Redis cannot answer (down, hung),
 * or answers "no such key" without that marker (emptied, not yet re-seeded), a key this gateway
 * looked up within {@code redis.keyMaxStaleMs} is served from its last record (a revocation made
 * meanwhile applies once Redis answers again); any other key gets 503 key_store_unavailable.
 */
public final class RedisKeyStore implements KeyStore {

  private static final Logger LOG = Logger.getLogger(RedisKeyStore.class.getName());
  private static final Duration FOUND_TTL = Duration.ofSeconds(60);
  /** Short, so a key created a moment ago is usable within it, yet floods of bad keys hit the cache. */
  private static final Duration MISSING_TTL = Duration.ofMillis(500);
  private static final long RESUBSCRIBE_MS = 1_000;
  /** How long an answer about the seed marker is trusted for unknown keys. */
  private static final long SEED_CHECK_NANOS = 1_000_000_000L;
  /**
   * The second try's timeout, for a lookup with no record to fall back on. 250 ms was not always enough
   * for a gateway just restarted on a slow 2-core host (session 15's CI: one 503 in ten kill -9 restarts).
   */
  private static final long RETRY_TIMEOUT_MS = 1_000;

  private final Vertx vertx;
  private final Redis redis;
  private final RedisSettings settings;
  private final LongSupplier wallMillis;
  private final Cache<String, KeyRecord> found = Caffeine.newBuilder()
      .maximumSize(200_000).expireAfterWrite(FOUND_TTL).build();
  private final Cache<String, Boolean> missing = Caffeine.newBuilder()
      .maximumSize(200_000).expireAfterWrite(MISSING_TTL).build();
  // The last record of every key looked up, kept for keyMaxStaleMs: what an outage is served from.
  private final Cache<String, KeyRecord> lastKnown;
  private final java.util.concurrent.atomic.AtomicLong servedStale = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong unseededMisses = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong retriedLookups = new java.util.concurrent.atomic.AtomicLong();
  private volatile long seedCheckedAtNanos = System.nanoTime() - SEED_CHECK_NANOS;
  private volatile boolean unseeded;
  private volatile RedisConnection subscription;
  private volatile boolean closed;

  public RedisKeyStore(Vertx vertx, Redis redis, RedisSettings settings, LongSupplier wallMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.settings = settings;
    this.wallMillis = wallMillis;
    this.lastKnown = Caffeine.newBuilder().maximumSize(200_000)
        .expireAfterWrite(Duration.ofMillis(Math.max(1, settings.keyMaxStaleMs()))).build();
  }

  /** The marker the control plane sets once Redis holds every key record (absent: emptied, not re-seeded). */
  public static String seededMarker(String prefix) {
    return prefix + ":keys:seeded";
  }

  public static String recordKey(String prefix, String hash) {
    return prefix + ":key:" + hash;
  }

  public static String changesChannel(String prefix) {
    return prefix + ":keys:changed";
  }

  /** Subscribes to key changes; completes once subscribed (or keeps trying in the background). */
  public Future<Void> start() {
    return subscribe().recover(failure -> {
      LOG.warning("cannot subscribe to " + changesChannel(settings.keyPrefix()) + " yet (" + failure
          + "); retrying, and caching keys for at most " + FOUND_TTL.toSeconds() + " s meanwhile");
      scheduleResubscribe();
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Lookup> find(String hash, ConfigSnapshot snapshot) {
    ApiKeySpec fromSnapshot = snapshot.keysByHash().get(hash);
    if (fromSnapshot != null) {
      return Future.succeededFuture(Lookup.of(fromSnapshot));
    }
    KeyRecord cached = found.getIfPresent(hash);
    if (cached != null) {
      return Future.succeededFuture(cached.usableAt(wallMillis.getAsLong()));
    }
    if (missing.getIfPresent(hash) != null) {
      return Future.succeededFuture(Lookup.UNKNOWN);
    }
    return lookUp(hash, snapshot, settings.timeoutMs())
        .recover(failure -> {
          KeyRecord stale = stale(hash);
          if (stale != null) {
            servedStale.incrementAndGet();
            return Future.succeededFuture(stale.usableAt(wallMillis.getAsLong()));
          }
          // No record to fall back on: one more try with a longer wait before answering 503. A
          // gateway just started (connections being made, code not yet compiled) missed the short
          // timeout on its first lookups; a Redis that is down fails this one at once as well.
          retriedLookups.incrementAndGet();
          return lookUp(hash, snapshot, Math.max(RETRY_TIMEOUT_MS, settings.timeoutMs() * 4));
        });
  }

  private Future<Lookup> lookUp(String hash, ConfigSnapshot snapshot, long timeoutMs) {
    return redis.send(Request.cmd(Command.GET).arg(recordKey(settings.keyPrefix(), hash)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .compose(response -> {
          if (response == null) {
            return absent(hash);
          }
          KeyRecord record = parse(hash, new JsonObject(response.toBuffer()), snapshot);
          found.put(hash, record);
          if (settings.keyMaxStaleMs() > 0) {
            lastKnown.put(hash, record);
          }
          return Future.succeededFuture(record.usableAt(wallMillis.getAsLong()));
        });
  }

  /**
   * Redis has no record: the key does not exist, or Redis lost its records (a restart without
   * persistence, a failover, a flush) and the control plane has not re-seeded them yet. Only a key
   * this gateway knew is worth the second look at the seed marker.
   */
  private Future<Lookup> absent(String hash) {
    if (stale(hash) == null) {
      return unseededPlatform().map(unseeded -> {
        if (unseeded) {
          // Redis was emptied and the control plane has not re-seeded it yet: 503 (SDKs retry it),
          // not a 401 that tells the caller its key is wrong.
          unseededMisses.incrementAndGet();
          throw new IllegalStateException("the key store is not seeded");
        }
        missing.put(hash, Boolean.TRUE);
        return Lookup.UNKNOWN;
      });
    }
    return redis.send(Request.cmd(Command.EXISTS).arg(seededMarker(settings.keyPrefix())))
        .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
        .compose(exists -> {
          if (exists != null && exists.toLong() == 1) {
            lastKnown.invalidate(hash);
            missing.put(hash, Boolean.TRUE);
            return Future.succeededFuture(Lookup.UNKNOWN);
          }
          unseededMisses.incrementAndGet();
          return Future.failedFuture(new IllegalStateException("the key store is not seeded"));
        });
  }

  /**
   * Whether a control plane manages this prefix (its platform marker is there) but has not seeded
   * the key records (no seed marker): Redis restarted empty, failed over or was flushed moments ago.
   * Asked at most once a second, however many unknown keys come; without a control plane (no
   * platform marker) an absent record is simply an unknown key.
   */
  private Future<Boolean> unseededPlatform() {
    long now = System.nanoTime();
    if (now - seedCheckedAtNanos < SEED_CHECK_NANOS) {
      return Future.succeededFuture(unseeded);
    }
    seedCheckedAtNanos = now;
    return redis.send(Request.cmd(Command.EXISTS).arg(seededMarker(settings.keyPrefix())))
        .compose(seeded -> seeded != null && seeded.toLong() == 1 ? Future.succeededFuture(false)
            : redis.send(Request.cmd(Command.EXISTS).arg(PlatformMarker.key(settings.keyPrefix())))
                .map(platform -> platform != null && platform.toLong() == 1))
        .timeout(settings.timeoutMs() * 2, TimeUnit.MILLISECONDS)
        .map(answer -> unseeded = answer)
        .otherwise(failure -> unseeded);
  }

  private KeyRecord stale(String hash) {
    return settings.keyMaxStaleMs() > 0 ? lastKnown.getIfPresent(hash) : null;
  }

  /** Lookups answered from a key's last record because Redis could not answer (metrics). */
  public long servedStale() {
    return servedStale.get();
  }

  /** Lookups tried a second time, with a longer timeout, for want of a record to fall back on. */
  public long retriedLookups() {
    return retriedLookups.get();
  }

  /** Lookups of a known key that Redis lacked while its seed marker was absent (metrics). */
  public long unseededMisses() {
    return unseededMisses.get();
  }

  /**
   * A parsed record: the key (null when revoked) and its expiry, checked on every use so a cached
   * key stops working the moment it expires.
   */
  record KeyRecord(ApiKeySpec key, Instant expiresAt) {
    Lookup usableAt(long nowMillis) {
      if (key == null) {
        return Lookup.REVOKED;
      }
      return expiresAt != null && !expiresAt.isAfter(Instant.ofEpochMilli(nowMillis)) ? Lookup.EXPIRED : Lookup.of(key);
    }
  }

  /** Drops a key from the cache (a change was announced for it); its last record stays for outages. */
  public void invalidate(String hash) {
    found.invalidate(hash);
    missing.invalidate(hash);
  }

  public Future<Void> close() {
    closed = true;
    RedisConnection connection = subscription;
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  /** A revoked record has no key; expiry is checked on use. Either is refused 401, saying which. */
  static KeyRecord parse(String hash, JsonObject record, ConfigSnapshot snapshot) {
    String expiresAt = record.getString("expiresAt");
    Instant expiry = expiresAt == null ? null : Instant.parse(expiresAt);
    if (record.getBoolean("revoked", false)) {
      return new KeyRecord(null, expiry);
    }
    LimitSpec defaults = snapshot.defaultLimits();
    JsonObject limits = record.getJsonObject("limits", new JsonObject());
    JsonObject budget = record.getJsonObject("budget");
    JsonArray models = record.getJsonArray("models", new JsonArray().add("*"));
    HashSet<String> allowed = new HashSet<>();
    models.forEach(model -> allowed.add((String) model));
    return new KeyRecord(new ApiKeySpec(
        record.getString("id"),
        hash,
        record.getString("org"),
        allowed,
        new LimitSpec(
            limits.getLong("requestsPerMinute", defaults.requestsPerMinute()),
            limits.getLong("tokensPerMinute", defaults.tokensPerMinute()),
            limits.getInteger("maxConcurrentStreams", defaults.maxConcurrentStreams())),
        io.tollgate.gateway.config.SnapshotParser.budget(budget)), expiry);
  }

  private Future<Void> subscribe() {
    return redis.connect().compose(connection -> {
      connection.handler(this::onMessage);
      connection.exceptionHandler(failure -> resubscribeAfterLoss(connection));
      connection.endHandler(v -> resubscribeAfterLoss(connection));
      return connection.send(Request.cmd(Command.SUBSCRIBE).arg(changesChannel(settings.keyPrefix())))
          .map(ok -> {
            subscription = connection;
            return (Void) null;
          });
    });
  }

  private void onMessage(Response message) {
    // Push frames: ["message", channel, payload]; subscribe confirmations are ignored.
    if (message.size() == 3 && "message".equals(message.get(0).toString())) {
      invalidate(message.get(2).toString());
    }
  }

  private void resubscribeAfterLoss(RedisConnection connection) {
    if (closed || subscription != connection) {
      return;
    }
    subscription = null;
    // Changes may have been announced while we were not listening: look again in Redis (the last
    // records stay, for as long as Redis cannot answer).
    found.invalidateAll();
    missing.invalidateAll();
    LOG.warning("lost the key-change subscription; cache dropped, resubscribing");
    scheduleResubscribe();
  }

  private void scheduleResubscribe() {
    if (closed) {
      return;
    }
    vertx.setTimer(RESUBSCRIBE_MS, id -> subscribe().onFailure(failure -> scheduleResubscribe()));
  }
}
