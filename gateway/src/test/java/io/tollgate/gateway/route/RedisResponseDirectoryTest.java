package io.tollgate.gateway.route;

import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.GuardedVertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The replicas' shared directory of stored responses on the real Redis: what one replica shares,
 * another finds; what nobody shared is unknown at once (no retry: the creator shares a response before
 * its answer leaves, StoredResponseSharingTest).
 */
class RedisResponseDirectoryTest {

  private GuardedVertx guarded;
  private LocalRedis redis;
  private RedisResponseDirectory directory;

  @BeforeEach
  void start() {
    guarded = GuardedVertx.create();
    redis = LocalRedis.connect(guarded.vertx());
    directory = new RedisResponseDirectory(redis.client(), redis.prefix(), 2_000); // room for the first connect on a busy machine
  }

  @AfterEach
  void stop() throws Exception {
    try {
      redis.cleanUp();
    } finally {
      guarded.closeAndAssert();
    }
  }

  @Test
  void aSharedResponseIsFound() throws Exception {
    StoredResponses.Owner owner = new StoredResponses.Owner("sim-2", "llama", "acme");
    StoredResponses.Owner found = redis.onContext(() -> directory.put("resp_shared", owner, Duration.ofMinutes(1))
        .compose(v -> directory.get("resp_shared")));
    assertEquals(owner, found);
  }

  @Test
  void aResponseNobodySharedIsUnknown() throws Exception {
    assertNull(redis.onContext(() -> directory.get("resp_nobody")));
  }
}
