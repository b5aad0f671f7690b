package io.tollgate.controlplane.config;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Tells the gateways which prefix and pepper this control plane writes key records with: the Redis
 * string {@code <prefix>:platform}, {@code {"prefix","pepperFingerprint","writtenAt"}}. A gateway in
 * platform mode reads it before it listens and refuses to start when its TOLLGATE_REDIS_PREFIX finds
 * no marker or its TOLLGATE_KEY_PEPPER has another fingerprint (the gateway's
 * io.tollgate.gateway.config.sync.PlatformMarker); before, such a gateway started cleanly and refused
 * every key as "Incorrect API key".
 *
 * <p>The fingerprint is {@code hmac-sha256:} + the first 16 hex digits of HMAC-SHA256(pepper,
 * {@value #FINGERPRINT_MESSAGE}): equal peppers give equal fingerprints, and the pepper itself never
 * leaves the process. Written at start and again with every readiness check, so a Redis that was
 * flushed or away at start gets it back; best effort, never blocking the API.
 */
public final class PlatformMarker {

  static final String FINGERPRINT_MESSAGE = "tollgate:pepper-fingerprint:v1";
  private static final Logger LOG = Logger.getLogger(PlatformMarker.class.getName());
  private static final long TIMEOUT_MS = 3_000;

  private final Redis redis;
  private final String prefix;
  private final String fingerprint;
  private volatile boolean failing;

  public PlatformMarker(Redis redis, String prefix, String pepper) {
    this.redis = redis;
    this.prefix = prefix;
    this.fingerprint = fingerprint(pepper);
  }

  public static String key(String prefix) {
    return prefix + ":platform";
  }

  public static String fingerprint(String pepper) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal(FINGERPRINT_MESSAGE.getBytes(StandardCharsets.UTF_8));
      return "hmac-sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * At start: warns when another pepper's marker is there (every key record written before is now
   * unreadable to gateways with this pepper), then writes this one. Never fails.
   */
  public Future<Void> writeAtStart() {
    return redis.send(Request.cmd(Command.GET).arg(key(prefix)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(existing -> {
          String before = existing == null ? null : fingerprintIn(existing.toString());
          if (before != null && !before.equals(fingerprint)) {
            LOG.warning(key(prefix) + " held another pepper's fingerprint (" + before + ", now " + fingerprint
                + "): TOLLGATE_KEY_PEPPER changed, so keys created before no longer match; gateways must use"
                + " the new pepper");
          }
        })
        .transform(read -> write());
  }

  /** Writes the marker; a failure is logged once per episode and the next call tries again. */
  public Future<Void> write() {
    JsonObject marker = new JsonObject().put("prefix", prefix).put("pepperFingerprint", fingerprint)
        .put("writtenAt", Instant.now().toString());
    return redis.send(Request.cmd(Command.SET).arg(key(prefix)).arg(marker.encode()))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .onSuccess(v -> failing = false)
        .recover(failure -> {
          if (!failing) {
            failing = true;
            LOG.warning("cannot write " + key(prefix) + " to Redis (" + failure.getMessage()
                + "); gateways starting now cannot check their TOLLGATE_REDIS_PREFIX and TOLLGATE_KEY_PEPPER."
                + " Retried with every readiness check");
          }
          return Future.succeededFuture();
        });
  }

  private static String fingerprintIn(String marker) {
    try {
      return new JsonObject(marker).getString("pepperFingerprint");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
