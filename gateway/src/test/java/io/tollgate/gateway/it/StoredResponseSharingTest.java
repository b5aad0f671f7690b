package io.tollgate.gateway.it;

import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.TcpRelay;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static io.tollgate.gateway.it.TestBed.MODEL;
import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored response is shared with the other replicas before its answer leaves the gateway that
 * created it: a client that creates a response and reads it at once through another replica finds it,
 * even when the creator's link to Redis is slow. (The creator used to share it once the answer was
 * written, so the read could beat the write: ApisTest tripped on it in CI, and a 100 ms retry of every
 * miss only narrowed the window while making every real miss slower.)
 */
class StoredResponseSharingTest {

  private static final long SLOW_REDIS_MS = 150;

  private TestBed bed;
  private TcpRelay slowRedis;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aResponseCreatedThroughAReplicaWithASlowRedisIsFoundAtOnceThroughAnother() throws Exception {
    String prefix = LocalRedis.newPrefix();
    URI redis = URI.create(LocalRedis.URL);
    bed = TestBed.builder().simulators(2).simulatorConfig(c -> c.withInterTokenMillis(2).withResponsesStore(true))
        .platform(vertx -> {
          slowRedis = TestBed.await(TcpRelay.start(vertx, redis.getHost(), redis.getPort()));
          return platform("redis://" + redis.getHost() + ":" + slowRedis.port(), prefix);
        })
        .start();
    HttpClient reader = bed.clientOf(bed.addReplica(platform(LocalRedis.URL, prefix)));
    slowRedis.delay(SLOW_REDIS_MS);
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Http.Reply created = Http.post(bed.client, "/v1/responses", new JsonObject().put("model", MODEL)
          .put("input", "tell me about toll gates").put("max_output_tokens", 6).put("stream", false).encode(), SECRET);
      assertEquals(200, created.status(), created.body().toString());
      assertTrue((System.nanoTime() - start) / 1_000_000 >= 2 * SLOW_REDIS_MS,
          "the answer waited for the directory's write through the slow link");
      String id = created.json().getString("id");
      Http.Reply read = Http.get(reader, "/v1/responses/" + id, SECRET);
      assertEquals(200, read.status(), "the other replica finds it at once: " + read.body());
      assertEquals(created.header("x-tollgate-backend"), read.header("x-tollgate-backend"));
    }
    Http.Reply unknown = Http.get(reader, "/v1/responses/resp_nobodymadethis", SECRET);
    assertEquals(404, unknown.status(), unknown.body().toString());
  }

  private static PlatformSettings platform(String redisUrl, String prefix) {
    return new PlatformSettings(LocalRedis.settings(redisUrl, prefix, RedisSettings.FailPolicy.CLOSED, 2), null);
  }
}
