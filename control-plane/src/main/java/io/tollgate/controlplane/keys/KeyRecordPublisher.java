package io.tollgate.controlplane.keys;

import io.tollgate.controlplane.observability.ControlPlaneMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Writes key records where the gateways read them (config/schemas/key-record.json): the Redis
 * string {@code <prefix>:key:<hash>}, then PUBLISHes the hash on {@code <prefix>:keys:changed} so
 * every replica drops its cached copy at once.
 */
public final class KeyRecordPublisher {

  private final Redis redis;
  private final String prefix;
  private final ControlPlaneMetrics metrics;

  public KeyRecordPublisher(Redis redis, String prefix, ControlPlaneMetrics metrics) {
    this.redis = redis;
    this.prefix = prefix;
    this.metrics = metrics;
  }

  public String recordKey(String hash) {
    return prefix + ":key:" + hash;
  }

  public String channel() {
    return prefix + ":keys:changed";
  }

  public Future<Void> put(String hash, JsonObject record) {
    boolean revocation = record.getBoolean("revoked", false);
    return redis.send(Request.cmd(Command.SET).arg(recordKey(hash)).arg(record.encode()))
        .compose(ok -> redis.send(Request.cmd(Command.PUBLISH).arg(channel()).arg(hash)))
        .<Void>mapEmpty()
        .onComplete(done -> metrics.keyRecordWrite(revocation, done.succeeded()));
  }
}
