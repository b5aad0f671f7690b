package io.tollgate.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings that cannot work with the running platform are refused at start, naming the setting, by the
 * real jars: a gateway with another pepper or another Redis prefix than the control plane's (before,
 * both started cleanly and then answered every key "Incorrect API key"), services on a port that is
 * taken, and a malformed {@code TOLLGATE_LOG_LEVELS}. The same gateway with the platform's settings starts.
 */
@Order(5)
@ExtendWith(PlatformExtension.class)
class StartupChecksE2ETest {

  private static Platform platform;
  private static String pepper;

  @BeforeAll
  static void platform(Platform started) throws IOException {
    platform = started;
    pepper = Files.readAllLines(platform.state.resolve("secrets.env")).stream()
        .filter(line -> line.startsWith("PEPPER=")).map(line -> line.substring("PEPPER=".length())).findFirst()
        .orElseThrow(() -> new AssertionError("no PEPPER in " + platform.state.resolve("secrets.env")));
  }

  /** A gateway following this platform's control plane; {@code overrides} change its environment. */
  private static Map<String, String> gatewayEnv(Map<String, String> overrides) throws IOException {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "TOLLGATE_PORT", Integer.toString(freePort()), "TOLLGATE_ADMIN_PORT", Integer.toString(freePort()),
        "TOLLGATE_HOST", "127.0.0.1",
        "TOLLGATE_KEY_PEPPER", pepper, "TOLLGATE_REDIS_URL", io.tollgate.testsupport.Services.REDIS_URL,
        "TOLLGATE_REDIS_PREFIX", platform.name, "TOLLGATE_CONTROL_PLANE_URL", platform.controlPlaneUrl(),
        "TOLLGATE_CONTROL_PLANE_TOKEN", platform.adminToken(),
        "TOLLGATE_USAGE_SPOOL", platform.state.resolve("startup-check.jsonl").toString()));
    env.putAll(overrides);
    return env;
  }

  @Test
  void aGatewayWithAnotherPepperThanTheControlPlaneRefusesToStartNamingTollgateKeyPepper() throws Exception {
    Started gateway = start("gateway/target/tollgate-gateway.jar", gatewayEnv(Map.of("TOLLGATE_KEY_PEPPER", "not-it")));
    assertEquals(2, gateway.exit(), gateway.output());
    assertTrue(gateway.output().contains("TOLLGATE_KEY_PEPPER differs from the control plane's"), gateway.output());
    assertTrue(!gateway.output().contains(pepper), "the pepper is never printed");
  }

  @Test
  void aGatewayWithAnotherPrefixRefusesToStartNamingTollgateRedisPrefixAndTheOldNameIsWarnedAbout() throws Exception {
    Map<String, String> env = gatewayEnv(Map.of("TOLLGATE_REDIS_KEY_PREFIX", platform.name + "x"));
    env.remove("TOLLGATE_REDIS_PREFIX");
    Started gateway = start("gateway/target/tollgate-gateway.jar", env);
    assertEquals(2, gateway.exit(), gateway.output());
    assertTrue(gateway.output().contains("TOLLGATE_REDIS_KEY_PREFIX is deprecated: set TOLLGATE_REDIS_PREFIX"),
        gateway.output());
    assertTrue(gateway.output().contains("no control plane has started with TOLLGATE_REDIS_PREFIX=\"" + platform.name
        + "x\""), gateway.output());
  }

  @Test
  void theSameGatewayWithThePlatformsSettingsStartsAndServesItsModels() throws Exception {
    Map<String, String> env = gatewayEnv(Map.of());
    Process process = launch("gateway/target/tollgate-gateway.jar", env);
    try {
      String url = "http://127.0.0.1:" + env.get("TOLLGATE_PORT") + "/readyz";
      Await.until(java.time.Duration.ofSeconds(60), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("the gateway exited " + process.exitValue());
        }
        try {
          return Http.client().send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }, () -> url + " never ready");
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTakenPortIsRefusedNamingItsSettingByTheGatewayTheControlPlaneAndAnalytics() throws Exception {
    String taken = platform.gatewayUrls().get(0).replaceAll(".*:", "");
    Started gateway = start("gateway/target/tollgate-gateway.jar", gatewayEnv(Map.of("TOLLGATE_PORT", taken)));
    assertEquals(2, gateway.exit(), gateway.output());
    assertTrue(gateway.output().contains("port " + taken + " on 127.0.0.1 is in use (TOLLGATE_PORT"), gateway.output());

    String cpPort = URI.create(platform.controlPlaneUrl()).getPort() + "";
    Started controlPlane = start("control-plane/target/tollgate-control-plane.jar",
        Map.of("TOLLGATE_KEY_PEPPER", "p", "TOLLGATE_CONTROL_PLANE_PORT", cpPort));
    assertEquals(2, controlPlane.exit(), controlPlane.output());
    assertTrue(controlPlane.output().contains("port " + cpPort + " on 0.0.0.0 is in use (TOLLGATE_CONTROL_PLANE_PORT)"),
        controlPlane.output());

    String analyticsPort = URI.create(platform.analyticsUrl()).getPort() + "";
    Started analytics = start("analytics-consumer/target/tollgate-analytics.jar",
        Map.of("TOLLGATE_ANALYTICS_PORT", analyticsPort, "TOLLGATE_ANALYTICS_HOST", "127.0.0.1"));
    assertEquals(2, analytics.exit(), analytics.output());
    assertTrue(analytics.output().contains("port " + analyticsPort + " on 127.0.0.1 is in use (TOLLGATE_ANALYTICS_PORT"),
        analytics.output());
  }

  @Test
  void aMalformedLogLevelsSettingStopsEveryServicesStartNamingTheEntry() throws Exception {
    Map<String, String> levels = Map.of("TOLLGATE_LOG_LEVELS", "tollgate.access=OFF,io.netty:WARNING");
    String refusal = "TOLLGATE_LOG_LEVELS: 'io.netty:WARNING' is not logger=LEVEL";
    Map<String, String> gatewayEnv = gatewayEnv(levels);
    Map<String, String> controlPlaneEnv = new java.util.HashMap<>(levels);
    controlPlaneEnv.put("TOLLGATE_KEY_PEPPER", "p");
    for (Map.Entry<String, Map<String, String>> service : Map.of("gateway/target/tollgate-gateway.jar", gatewayEnv,
        "control-plane/target/tollgate-control-plane.jar", controlPlaneEnv,
        "analytics-consumer/target/tollgate-analytics.jar", levels).entrySet()) {
      Started started = start(service.getKey(), service.getValue());
      assertEquals(2, started.exit(), service.getKey() + ": " + started.output());
      assertTrue(started.output().contains(refusal), service.getKey() + ": " + started.output());
    }
  }

  private record Started(int exit, String output) {
  }

  /** Runs a service jar that is expected to stop by itself (refusing to start). */
  private static Started start(String jar, Map<String, String> env) throws Exception {
    Process process = launch(jar, env);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(jar + " started instead of refusing: " + read(process));
    }
    return new Started(process.exitValue(), read(process));
  }

  private static Process launch(String jar, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-jar", platform.root.resolve(jar).toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(platform.state.toFile()).redirectErrorStream(true);
    builder.environment().clear(); // only what the test says: nothing from the developer's shell
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    return builder.start();
  }

  private static String read(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
