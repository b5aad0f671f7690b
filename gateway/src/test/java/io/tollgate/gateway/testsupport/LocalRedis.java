package io.tollgate.gateway.testsupport;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.testsupport.Services;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The real Redis of the shared test {@link Services} (TOLLGATE_TEST_REDIS_HOST/_PORT). Each test
 * gets its own key prefix, so tests never see each other's state, and its keys are deleted after.
 * When Redis is not reachable the test fails, saying so and how to start it.
 */
public final class LocalRedis {

  public static final String URL = Services.REDIS_URL;

  private final Vertx vertx;
  private final Redis client;
  private final String prefix;

  private LocalRedis(Vertx vertx, String prefix) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(URL));
  }

  /** A fresh key prefix for one test. */
  public static String newPrefix() {
    return "tgtest-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Connects, or fails the test naming Redis and how to start it. */
  public static LocalRedis connect(Vertx vertx) {
    return connect(vertx, newPrefix());
  }

  public static LocalRedis connect(Vertx vertx, String prefix) {
    Services.requireRedis();
    return new LocalRedis(vertx, prefix);
  }

  /**
   * Settings for a gateway using this Redis (or a proxy in front of it) under {@code prefix}. The
   * timeout is generous (2 s): tests that are not about outages must not fail open or closed
   * because a 2-core CI machine is busy; outage tests set a short one.
   */
  public static RedisSettings settings(String url, String prefix, RedisSettings.FailPolicy policy, int replicas) {
    Services.requireRedis();
    return new RedisSettings(url, 2_000, policy, replicas, prefix);
  }

  public String prefix() {
    return prefix;
  }

  public Redis client() {
    return client;
  }

  public RedisSettings settings(RedisSettings.FailPolicy policy, int replicas) {
    return settings(URL, prefix, policy, replicas);
  }

  public RedisSettings settings() {
    return settings(RedisSettings.FailPolicy.OPEN, 1);
  }

  /** Runs a Redis command from a Vert.x context and waits (test thread only). */
  public Response send(Request request) throws Exception {
    return onContext(() -> client.send(request));
  }

  public <T> T onContext(Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(promise));
    return promise.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Deletes every key of this test's prefix (both plain and hash-tagged forms). */
  public void cleanUp() throws Exception {
    for (String pattern : new String[] {prefix + ":*", "{" + prefix + ":*"}) {
      String cursor = "0";
      do {
        Response page = send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000));
        cursor = page.get(0).toString();
        Response keys = page.get(1);
        if (keys.size() > 0) {
          Request del = Request.cmd(Command.DEL);
          for (Response key : keys) {
            del.arg(key.toString());
          }
          send(del);
        }
      } while (!"0".equals(cursor));
    }
    onContext(client::close);
  }
}
