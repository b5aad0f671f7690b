package io.tollgate.controlplane.snapshot;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Announces a new config version on {@code <prefix>:config:changed} (message: the version number).
 * A lost message costs only latency: gateways also poll the latest version
 * (docs/adr/0008-config-distribution.md).
 */
public final class ConfigPublisher {

  private final Redis redis;
  private final String prefix;

  public ConfigPublisher(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  public static String channel(String prefix) {
    return prefix + ":config:changed";
  }

  public Future<Void> publish(long version) {
    return redis.send(Request.cmd(Command.PUBLISH).arg(channel(prefix)).arg(Long.toString(version))).mapEmpty();
  }
}
