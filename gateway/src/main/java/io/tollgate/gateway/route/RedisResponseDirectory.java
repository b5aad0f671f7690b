package io.tollgate.gateway.route;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stored-response owners shared by every replica through Redis ({@code <prefix>:response:<id>},
 * a small JSON value, expiring with the local entry). Written without waiting; read only when the
 * local cache misses, within the same deadline as the limiter's calls.
 */
public final class RedisResponseDirectory implements StoredResponses.Directory {

  private static final Logger LOG = Logger.getLogger(RedisResponseDirectory.class.getName());

  private final Redis redis;
  private final String prefix;
  private final long timeoutMs;

  public RedisResponseDirectory(Redis redis, String keyPrefix, long timeoutMs) {
    this.redis = redis;
    this.prefix = keyPrefix + ":response:";
    // A lookup is one GET on a miss; give it more room than an admission, it is not on every request.
    this.timeoutMs = Math.max(timeoutMs, 200);
  }

  @Override
  public Future<Void> put(String responseId, StoredResponses.Owner owner, Duration keptFor) {
    String value = new JsonObject().put("backend", owner.backendId()).put("model", owner.model())
        .put("org", owner.org()).encode();
    // Bounded: a whole answer waits for this before it is written.
    return redis.send(Request.cmd(Command.SET).arg(prefix + responseId).arg(value).arg("EX").arg(keptFor.toSeconds()))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .onFailure(e -> LOG.log(Level.WARNING, "could not share the backend of stored response " + responseId
            + " (a follow-up on another replica will get 404): " + e.getMessage()));
  }

  @Override
  public Future<StoredResponses.Owner> get(String responseId) {
    return redis.send(Request.cmd(Command.GET).arg(prefix + responseId))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> {
          if (response == null) {
            return null;
          }
          JsonObject json = new JsonObject(response.toBuffer());
          return new StoredResponses.Owner(json.getString("backend"), json.getString("model"), json.getString("org"));
        });
  }
}
