package io.tollgate.gateway.cli;

import io.tollgate.gateway.GatewayMain;
import io.tollgate.logging.Logging;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's main reads TOLLGATE_LOG_LEVELS: a malformed one stops the start, naming the entry. */
class LogLevelsAtStartTest {

  @Test
  void aMalformedSpecStopsTheStartWithExitTwoNamingTheEntry() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        GatewayMain.class.getName(), "--demo", "--port", "0", "--admin-port", "0").redirectErrorStream(true);
    builder.environment().put(Logging.LEVELS_ENV, "tollgate.access=OFF,io.netty:WARNING");
    Process gateway = builder.start();
    try {
      assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), "the gateway stops at once");
      String output = new String(gateway.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(2, gateway.exitValue(), output);
      assertTrue(output.contains("TOLLGATE_LOG_LEVELS: 'io.netty:WARNING' is not logger=LEVEL"), output);
    } finally {
      gateway.destroyForcibly();
    }
  }
}
