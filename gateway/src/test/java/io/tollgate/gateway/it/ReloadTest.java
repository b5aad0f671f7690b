package io.tollgate.gateway.it;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live config: a bad one is refused whole; a good one applies without disturbing streams. */
class ReloadTest {

  private TestBed bed;

  @BeforeEach
  void start() throws Exception {
    bed = TestBed.builder().simulatorConfig(c -> c.withInterTokenMillis(10)).start();
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  private Http.Reply admin(HttpMethod method, JsonObject body) throws Exception {
    return bed.adminConfig(method, body);
  }

  @Test
  void aBadConfigIsRefusedWithEveryReasonAndTheOldOneKeepsServing() throws Exception {
    JsonObject config = admin(HttpMethod.GET, null).json().getJsonObject("config");
    JsonObject bad = config.copy();
    bad.getJsonArray("models").getJsonObject(0).put("backends", new JsonArray().add("no-such-backend"));
    bad.getJsonArray("backends").getJsonObject(0).put("url", "not a url");
    Http.Reply refused = admin(HttpMethod.POST, bad);
    assertEquals(422, refused.status(), refused.body().toString());
    assertTrue(refused.error().getJsonArray("details").size() >= 2, refused.body().toString());
    assertEquals(1, bed.gateway.config().current().version());
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET).status());
  }

  @Test
  void aStreamInFlightFinishesOnItsBackendWhenAReloadRemovesIt() throws Exception {
    Future<Http.Reply> longStream = bed.vertx.executeBlocking(
        () -> Http.post(bed.client, "/v1/chat/completions", Http.chat(150, true), SECRET, "x-request-id", "long-one"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (bed.sim(1).stats().running() + bed.sim(2).stats().running() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    String busy = bed.sim(1).stats().running() == 1 ? "sim-1" : "sim-2";
    String other = busy.equals("sim-1") ? "sim-2" : "sim-1";

    // Reload: the model's route now names only the other backend, and the busy one is gone.
    JsonObject config = admin(HttpMethod.GET, null).json().getJsonObject("config");
    JsonArray backends = new JsonArray();
    for (Object backend : config.getJsonArray("backends")) {
      if (!((JsonObject) backend).getString("id").equals(busy)) {
        backends.add(backend);
      }
    }
    config.put("backends", backends);
    for (Object model : config.getJsonArray("models")) {
      ((JsonObject) model).put("backends", new JsonArray().add(other));
    }
    Http.Reply applied = admin(HttpMethod.POST, config);
    assertEquals(200, applied.status(), applied.body().toString());
    assertEquals(2, applied.json().getLong("version"));

    Http.Reply after = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, true), SECRET);
    assertEquals(other, after.header("x-tollgate-backend"));

    Http.Reply stream = TestBed.await(longStream);
    assertEquals(busy, stream.header("x-tollgate-backend"));
    assertEquals(150, stream.tokenEvents(), "the stream completed");
    assertEquals("[DONE]", stream.events().get(stream.events().size() - 1));
    var events = bed.usage.awaitEvents(2, 2_000);
    var longEvent = events.stream().filter(e -> e.requestId().equals("long-one")).findFirst().orElseThrow();
    assertEquals(1, longEvent.configVersion(), "the stream kept the snapshot it started with");
    assertEquals(200, longEvent.status());
  }
}
