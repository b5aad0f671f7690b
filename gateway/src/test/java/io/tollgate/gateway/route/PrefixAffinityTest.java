package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefixAffinityTest {

  private static Fleet affinity(int backends) {
    return new Fleet(backends, r -> r.withStrategy(ModelRoute.Strategy.of(ModelRoute.Strategy.Kind.PREFIX_AFFINITY)));
  }

  private static String once(Fleet fleet, String session, JsonObject body) {
    RequestRoute request = fleet.open(session, body);
    BackendState chosen = request.next();
    request.released(chosen, false);
    return chosen.spec().id();
  }

  @Test
  void theSamePrefixGoesToTheSameBackend() {
    Fleet fleet = affinity(4);
    Set<String> homes = new HashSet<>();
    for (int prefix = 0; prefix < 40; prefix++) {
      String system = "You are assistant number " + prefix + ". " + "Follow the house style. ".repeat(20);
      String home = once(fleet, null, Fleet.chat(system));
      for (int i = 0; i < 5; i++) {
        assertEquals(home, once(fleet, null, Fleet.chat(system)), "prefix " + prefix);
      }
      homes.add(home);
    }
    assertEquals(4, homes.size(), "prefixes spread over the pool");
  }

  @Test
  void sessionHeaderAndUserFieldAreKeysToo() {
    Fleet fleet = affinity(8);
    Set<String> bySession = new HashSet<>();
    Set<String> byUser = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      bySession.add(once(fleet, "session-42", Fleet.chat("prompt " + i)));
      byUser.add(once(fleet, null, Fleet.chat("other " + i).put("user", "alice")));
    }
    assertEquals(1, bySession.size());
    assertEquals(1, byUser.size());
    JsonObject completion = new JsonObject().put("prompt", "Once upon a time " + "x ".repeat(200));
    assertEquals(once(fleet, null, completion), once(fleet, null, completion.copy()));
  }

  @Test
  void everyGatewayReplicaAgreesOnTheHome() {
    JsonObject body = Fleet.chat("a shared system prompt that is long enough to matter");
    for (int i = 0; i < 5; i++) {
      assertEquals(once(affinity(5), null, body), once(affinity(5), null, body));
    }
  }

  @Test
  void aHotKeySpillsToTheNextBackendPastTheLoadBound() {
    Fleet fleet = affinity(4);
    JsonObject body = Fleet.chat("hot prefix");
    String home = once(fleet, null, body);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      used.add(fleet.open(null, body).next().spec().id()); // all left in flight
    }
    assertTrue(used.contains(home));
    assertTrue(used.size() >= 2, "bounded load: " + used);
    int homeLoad = fleet.state(home).inFlight();
    assertTrue(homeLoad <= Math.ceil(1.25 * 12 / 4) + 1, "home in flight " + homeLoad);
  }

  @Test
  void aSaturatedHomeFallsBackToLeastLoad() {
    Fleet fleet = affinity(3);
    JsonObject body = Fleet.chat("prefix with a saturated home");
    String home = once(fleet, null, body);
    for (int i = 1; i <= 3; i++) {
      fleet.scraped("b" + i, 1, 0, 0.1);
    }
    fleet.scraped(home, 4, 50, 0.99);
    String other = home.equals("b1") ? "b2" : "b1";
    fleet.scraped(other, 20, 3, 0.5);
    String chosen = once(fleet, null, body);
    assertNotEquals(home, chosen);
    assertNotEquals(other, chosen, "least-load picks the idle one, not the next on the ring");
  }

  @Test
  void keysIgnoreTheTailOfLongPrompts() {
    String prefix = "p".repeat(300);
    long a = AffinityKey.of(null, Fleet.chat(prefix + " tail one"), 256);
    long b = AffinityKey.of(null, Fleet.chat(prefix + " tail two"), 256);
    assertEquals(a, b);
    JsonObject parts = new JsonObject().put("messages", new JsonArray().add(new JsonObject()
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", prefix)))));
    assertEquals(AffinityKey.of(null, parts, 256),
        AffinityKey.of(null, new JsonObject().put("messages", new JsonArray().add(new JsonObject()
            .put("content", prefix + "different"))), 256));
  }
}
