package io.tollgate.controlplane.session;

import io.tollgate.controlplane.auth.TokenHash;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.Locale;

/**
 * Failed sign-ins per account and client address, in Redis so that every control-plane replica
 * counts the same attempts: after {@link #MAX_FAILURES} failures within {@link #WINDOW} that pair is
 * refused until the window ends, whatever the password. Per account and address, not per account:
 * a stranger guessing cannot lock the real user out from their own address. A success clears the count.
 */
public final class LoginThrottle {

  public static final int MAX_FAILURES = 5;
  public static final Duration WINDOW = Duration.ofMinutes(15);

  private final Redis redis;
  private final String prefix;

  public LoginThrottle(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /** Seconds until this pair may try again; 0 when it may now. */
  public Future<Long> retryAfter(String email, String address) {
    String key = key(email, address);
    return redis.send(Request.cmd(Command.GET).arg(key)).compose(count -> {
      if (count == null || count.toLong() < MAX_FAILURES) {
        return Future.succeededFuture(0L);
      }
      return redis.send(Request.cmd(Command.TTL).arg(key)).map(ttl -> Math.max(1L, ttl == null ? 1L : ttl.toLong()));
    });
  }

  /** Counts a failure; the window starts at the first. */
  public Future<Void> failed(String email, String address) {
    String key = key(email, address);
    return redis.send(Request.cmd(Command.INCR).arg(key)).compose((Response count) -> count.toLong() == 1
        ? redis.send(Request.cmd(Command.EXPIRE).arg(key).arg(WINDOW.toSeconds())).mapEmpty()
        : Future.succeededFuture());
  }

  public Future<Void> succeeded(String email, String address) {
    return redis.send(Request.cmd(Command.DEL).arg(key(email, address))).mapEmpty();
  }

  /** Hashed: the key names neither the email nor the address in Redis. */
  private String key(String email, String address) {
    return prefix + ":login-failures:" + TokenHash.of(email.toLowerCase(Locale.ROOT) + "\n" + address);
  }
}
