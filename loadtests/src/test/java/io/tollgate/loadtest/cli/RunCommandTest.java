package io.tollgate.loadtest.cli;

import io.tollgate.loadtest.LoadTestMain;
import io.tollgate.loadtest.scenario.RunSettings;
import io.tollgate.loadtest.scenario.Scenario;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {

  private static RunSettings settings(String... args) {
    CommandLine cl = LoadTestMain.commandLine();
    String[] full = new String[args.length + 1];
    full[0] = "run";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine.ParseResult parsed = cl.parseArgs(full);
    RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
    return run.settings();
  }

  @Test
  void scenarioDefaultsApplyUnlessGiven() {
    RunSettings s = settings("--base-url", "http://h:1", "--scenario", "slow-readers", "--no-report");
    assertEquals(Scenario.SLOW_READERS, s.scenario());
    assertEquals(1000, s.numRequests());
    assertEquals(1000, s.maxConcurrency());
    assertEquals(40, s.readDelayMs());
    assertTrue(s.ignoreEos());
    assertEquals(16_384, s.client().receiveBufferBytes());
    assertNull(s.reportDir());
    RunSettings o = settings("--base-url", "http://h:1", "--scenario", "slow-readers", "--read-delay-ms", "5",
        "--num-requests", "10", "--no-ignore-eos", "--no-report");
    assertEquals(5, o.readDelayMs());
    assertEquals(10, o.numRequests());
    assertFalse(o.ignoreEos());
  }

  @Test
  void infRateAndDurations() {
    RunSettings s = settings("--base-url", "http://h:1", "--request-rate", "inf", "--duration", "90s",
        "--max-concurrency", "8", "--goodput", "ttft:500", "tpot:50", "--no-report");
    assertTrue(Double.isInfinite(s.requestRate()));
    assertEquals(Duration.ofSeconds(90), s.duration());
    assertEquals(0, s.numRequests());
    assertEquals(500, s.slo().ttftMs());
    assertEquals(Duration.ofMillis(1500), Converters.parseDuration("1.5s"));
    assertEquals(Duration.ofMinutes(2), Converters.parseDuration("2m"));
    assertEquals(Duration.ofMillis(250), Converters.parseDuration("250ms"));
  }

  @Test
  void comparisonTargetsAndSweep() {
    RunSettings s = settings("--base-url", "http://direct:1", "--label", "direct", "--compare-to", "http://gw:2/v1",
        "--compare-label", "gateway", "--compare-api-key", "sk-x", "--api-key", "sk-a",
        "--concurrency-sweep", "50,200,500", "--no-report");
    assertEquals(List.of("direct", "gateway"), s.targets().stream().map(t -> t.label()).toList());
    assertEquals("sk-x", s.targets().get(1).apiKey());
    assertEquals("/v1/chat/completions", s.targets().get(1).path(io.tollgate.loadtest.client.Endpoint.CHAT));
    assertEquals(List.of(50, 200, 500), s.concurrencySweep());
    assertTrue(s.client().poolSizePerTarget() >= 500);
    assertFalse(s.command().contains("sk-a"), "keys never reach the report");
    assertFalse(s.command().contains("sk-x"));
  }

  @Test
  void rampGetsDefaultSlosAndRefusesInfRate() {
    RunSettings s = settings("--base-url", "http://h:1", "--scenario", "ramp", "--no-report");
    assertTrue(s.slo().isSet());
    assertEquals(0, s.numRequests(), "ramp steps run by duration");
    assertThrows(IllegalArgumentException.class,
        () -> settings("--base-url", "http://h:1", "--scenario", "ramp", "--request-rate", "inf"));
  }

  @Test
  void contradictionsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> settings("--base-url", "http://h:1", "--num-requests", "5", "--duration", "5s"));
    assertThrows(IllegalArgumentException.class,
        () -> settings("--base-url", "http://h:1", "--scenario", "nope"));
    assertThrows(IllegalArgumentException.class, () -> settings("--base-url", "ftp://h:1"));
    assertThrows(IllegalArgumentException.class,
        () -> settings("--base-url", "http://h:1", "--compare-to", "http://g:2", "--label", "B"));
  }
}
