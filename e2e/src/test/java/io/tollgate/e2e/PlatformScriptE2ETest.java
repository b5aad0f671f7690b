package io.tollgate.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/platform.sh itself: env prints what scripts need, status shows each process ready, up twice
 * starts nothing, down stops exactly the processes up started (by pid, never another process) and keeps
 * the data, so the next up serves the same key without bootstrapping again. Runs last: it stops the
 * platform (and starts it again for the suite's final down --purge).
 */
@Order(20)
@ExtendWith(PlatformExtension.class)
class PlatformScriptE2ETest {

  private static final List<String> PROCESSES = List.of("sim-1", "sim-2", "control-plane", "analytics", "gateway-1",
      "gateway-2");

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void envStatusUpTwiceAndDownStopExactlyWhatUpStartedKeepingTheData() throws Exception {
    for (String key : List.of("TOLLGATE_GATEWAY_URL", "TOLLGATE_GATEWAY_URLS", "TOLLGATE_API_KEY", "TOLLGATE_MODEL",
        "TOLLGATE_CONTROL_PLANE_URL", "TOLLGATE_ADMIN_TOKEN", "TOLLGATE_ANALYTICS_URL")) {
      assertFalse(platform.env(key).isBlank(), key);
    }
    assertEquals(2, platform.gatewayUrls().size());
    String apiKey = platform.env("TOLLGATE_API_KEY");

    Platform.Result status = platform.script("status").expect(0, "platform.sh status");
    for (String process : PROCESSES) {
      assertTrue(status.stdout().lines().anyMatch(line -> line.startsWith(process + " ") && line.endsWith(" ready")),
          process + " ready in:\n" + status.stdout());
    }

    Map<String, Long> pids = pids();
    Platform.Result again = platform.script("up").expect(0, "a second platform.sh up");
    assertEquals(pids, pids(), "up twice starts nothing");
    for (String process : PROCESSES) {
      assertTrue(again.stderr().contains(process + " already runs (pid " + pids.get(process) + ")"), again.stderr());
    }

    // A process that is not the platform's, under one of its pid files after down: down leaves it alone.
    Process stranger = new ProcessBuilder("sleep", "120").start();
    try {
      platform.script("down").expect(0, "platform.sh down");
      for (var entry : pids.entrySet()) {
        assertFalse(ProcessHandle.of(entry.getValue()).map(ProcessHandle::isAlive).orElse(false),
            entry.getKey() + " (pid " + entry.getValue() + ") still runs after down");
      }
      Path pidFile = platform.state.resolve("pids/sim-1.pid");
      Files.writeString(pidFile, Long.toString(stranger.pid()));
      platform.script("down").expect(0, "platform.sh down with nothing of ours running");
      assertTrue(stranger.isAlive(), "down killed a process it did not start");
      assertTrue(platform.script("status").stdout().lines().filter(line -> line.contains(" stopped")).count()
          == PROCESSES.size(), "status shows everything stopped");
    } finally {
      stranger.destroy();
      stranger.waitFor(10, TimeUnit.SECONDS);
    }

    // Up after down: the same data, so the same key serves at once and nothing is bootstrapped again.
    platform.up();
    assertEquals(apiKey, platform.env("TOLLGATE_API_KEY"), "the key from the first bootstrap");
    for (String gateway : platform.gatewayUrls()) {
      Http.Reply reply = Completions.raw(gateway, apiKey, platform.model(), 8, "e2e-" + UUID.randomUUID());
      assertEquals(200, reply.status(), gateway + ": " + reply.body());
    }
  }

  private static Map<String, Long> pids() throws Exception {
    Map<String, Long> pids = new HashMap<>();
    for (String process : PROCESSES) {
      pids.put(process, Long.parseLong(Files.readString(platform.state.resolve("pids/" + process + ".pid")).trim()));
    }
    return pids;
  }
}
