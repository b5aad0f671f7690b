package io.tollgate.gateway.config.sync;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.config.SharedEnvironment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The control plane's marker in Redis ({@code <prefix>:platform}), read by a gateway in platform mode
 * before it listens. The control plane writes it at start: its prefix and a fingerprint of its pepper
 * (never the pepper). A gateway whose prefix finds no marker while it follows a control plane, or
 * whose pepper has another fingerprint, would start cleanly and then refuse every key as "Incorrect
 * API key"; it refuses to start instead, naming the setting.
 *
 * <p>The fingerprint is {@code hmac-sha256:} + the first 16 hex digits of HMAC-SHA256(pepper,
 * {@value #FINGERPRINT_MESSAGE}); the control plane computes the same (docs/platform-mode.md).
 */
public final class PlatformMarker {

  static final String FINGERPRINT_MESSAGE = "tollgate:pepper-fingerprint:v1";
  private static final Logger LOG = Logger.getLogger(PlatformMarker.class.getName());
  private static final long TIMEOUT_MS = 3_000;

  private PlatformMarker() {
  }

  /** Why a gateway must not start with these settings; the message names the setting to change. */
  public static final class Mismatch extends RuntimeException {
    public Mismatch(String message) {
      super(message, null, false, false);
    }
  }

  public static String key(String prefix) {
    return prefix + ":platform";
  }

  /** Identifies a pepper without revealing it: equal peppers, equal fingerprints. */
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
   * Reads the marker and judges it. Fails with {@link Mismatch} when the settings cannot work with the
   * control plane's; succeeds when they can, when no control plane is followed and none wrote a marker,
   * and when Redis cannot be reached (admission then follows redis.failPolicy, as for any Redis outage).
   *
   * @param controlPlaneUrl the control plane this gateway follows, or null. With no marker under the
   *                        prefix, a control plane that answers {@code /health} has started (it writes
   *                        its marker before it serves), so its prefix is another: refused. One that does
   *                        not answer may be starting with this gateway (a deploy of both): the gateway
   *                        starts, as it always has when the control plane is away.
   */
  public static Future<Void> check(Vertx vertx, RedisSettings redisSettings, String pepper, URI controlPlaneUrl) {
    return check(vertx, redisSettings, pepper,
        controlPlaneUrl == null ? null : new ConfigSyncSettings(controlPlaneUrl, "", 0, TIMEOUT_MS));
  }

  /** As {@link #check(Vertx, RedisSettings, String, URI)}, asking the control plane with its sync settings' TLS trust. */
  public static Future<Void> check(Vertx vertx, RedisSettings redisSettings, String pepper, ConfigSyncSettings sync) {
    URI controlPlaneUrl = sync == null ? null : sync.controlPlaneUrl();
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisSettings.url()));
    String key = key(redisSettings.keyPrefix());
    return redis.send(Request.cmd(Command.GET).arg(key))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(response -> response == null ? null : response.toString())
        .transform(read -> {
          if (read.failed()) {
            LOG.warning("could not read " + key + " from Redis (" + read.cause().getMessage()
                + "): starting without checking " + SharedEnvironment.REDIS_PREFIX + " and "
                + SharedEnvironment.KEY_PEPPER + " against the control plane's");
            return Future.<Void>succeededFuture();
          }
          if (read.result() == null && controlPlaneUrl != null) {
            return answersHealth(vertx, sync).compose(started -> {
              if (!started) {
                LOG.warning("no " + key + " in Redis and the control plane at " + controlPlaneUrl + " does not answer"
                    + " yet: starting; if it stays so, check that " + SharedEnvironment.REDIS_PREFIX
                    + " is the control plane's");
                return Future.<Void>succeededFuture();
              }
              return judge(null, redisSettings.keyPrefix(), pepper, true);
            });
          }
          return judge(read.result(), redisSettings.keyPrefix(), pepper, controlPlaneUrl != null);
        })
        .eventually(() -> {
          redis.close();
          return Future.succeededFuture();
        });
  }

  /** Whether the control plane serves (any answer to GET /health within the timeout). */
  private static Future<Boolean> answersHealth(Vertx vertx, ConfigSyncSettings sync) {
    HttpClient client = vertx.createHttpClient(sync.clientOptions().setConnectTimeout((int) TIMEOUT_MS));
    String base = sync.controlPlaneUrl().toString().replaceAll("/$", "");
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + "/health")
            .setTimeout(TIMEOUT_MS))
        .compose(request -> request.send())
        .map(response -> response.statusCode() == 200)
        .otherwise(false)
        .eventually(client::close);
  }

  static Future<Void> judge(String marker, String prefix, String pepper, boolean followsControlPlane) {
    if (marker == null) {
      if (!followsControlPlane) {
        return Future.succeededFuture(); // keys written by hand or by tools: nothing to compare with
      }
      return Future.failedFuture(new Mismatch("no control plane has started with " + SharedEnvironment.REDIS_PREFIX
          + "=\"" + prefix + "\" on this Redis (no key " + key(prefix) + "): set " + SharedEnvironment.REDIS_PREFIX
          + " to the control plane's " + SharedEnvironment.REDIS_PREFIX + " (or start the control plane first)"));
    }
    String theirs;
    try {
      theirs = new JsonObject(marker).getString("pepperFingerprint");
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new Mismatch(key(prefix) + " in Redis is not a control plane's marker (" + marker
          + "): is " + SharedEnvironment.REDIS_PREFIX + " shared with something else?"));
    }
    if (!fingerprint(pepper).equals(theirs)) {
      return Future.failedFuture(new Mismatch(SharedEnvironment.KEY_PEPPER + " differs from the control plane's (its"
          + " fingerprint in " + key(prefix) + " is " + theirs + ", this gateway's is " + fingerprint(pepper)
          + "): every key would be refused as \"Incorrect API key\"; set " + SharedEnvironment.KEY_PEPPER
          + " to the control plane's pepper"));
    }
    return Future.succeededFuture();
  }
}
