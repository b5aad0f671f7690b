package io.tollgate.loadtest.scenario;

import io.tollgate.gpu.simulator.SimulatorConfig;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.tollgate.loadtest.cli.RunCommand;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.report.ReportWriter;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;
import io.tollgate.loadtest.run.ConsoleOut;
import io.tollgate.testsupport.GuardedVertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short runs against the vLLM simulator in-process: the report exists and its counts match what was sent. */
class EndToEndTest {

  private static GuardedVertx guarded;
  private static VllmSimulator sim;

  @BeforeAll
  static void start() throws Exception {
    guarded = GuardedVertx.create();
    sim = await(VllmSimulator.start(guarded.vertx(), SimulatorConfig.defaults()
        .withInterTokenMillis(2).withPrefillMillisPerToken(0.01)));
  }

  @AfterAll
  static void stop() throws Exception {
    await(sim.close());
    guarded.closeAndAssert();
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static ConsoleOut quiet() {
    return new ConsoleOut(new PrintStream(OutputStream.nullOutputStream()), false);
  }

  @Test
  void steadyRunWritesAReportWhoseCountsMatchTheRequestsSent(@TempDir Path dir) throws Exception {
    long completedBefore = sim.stats().completed();
    RunSettings settings = RunCommand.parseSettings("--base-url", sim.baseUrl(), "--num-requests", "40",
        "--request-rate", "200", "--input-len", "32", "--output-len", "8", "--ignore-eos", "--warmup", "4",
        "--goodput", "ttft:10000", "--sim-url", sim.baseUrl(), "--report-dir", dir.toString());
    ConsoleOut console = quiet();
    RunResult result = LoadTestRun.execute(guarded.vertx(), settings, console);
    console.close();
    ReportWriter.write(result, settings.reportDir());

    for (String file : new String[] {ReportWriter.RESULT, ReportWriter.SUMMARY, ReportWriter.HTML}) {
      assertTrue(Files.size(dir.resolve(file)) > 0, file);
    }
    RunResult back = ReportWriter.read(dir.resolve(ReportWriter.RESULT));
    PhaseResult phase = back.phases().get(0);
    TargetResult a = phase.targets().get(0);
    assertEquals("demo-llama", back.settings().getString("model"), "discovered from /v1/models");
    assertEquals(40, a.sent());
    assertEquals(40, a.completed(), () -> "failures: " + a.failures() + " " + a.failureExamples());
    assertEquals(0, a.failed());
    assertEquals(40 * 8, a.totalOutputTokens(), "ignore_eos: every request streams its full length");
    assertEquals(40, a.ttft().count());
    assertEquals(40, a.tpot().count());
    assertEquals(40 * 8, a.itl().count(), "chat: the role chunk is a choice chunk too, so 8 tokens give 8 gaps");
    assertEquals(40, a.goodRequests());
    assertEquals(40, phase.serverStats().getLong("completed"), "the server saw exactly the measured requests");
    assertEquals(40L * 8, phase.serverStats().getLong("generationTokens"));
    // + 1 initial test request + 4 warm-up requests, not counted in the figures
    assertEquals(completedBefore + 45, sim.stats().completed());
  }

  @Test
  void comparisonInterleavesTwoTargetsAndAbortsReachTheServer() throws Exception {
    // Two client event loops: requests run on both and report back to the driver loop.
    long abortedBefore = sim.stats().aborted();
    RunSettings settings = RunCommand.parseSettings("--base-url", sim.baseUrl(), "--label", "direct",
        "--compare-to", sim.baseUrl() + "/v1", "--compare-label", "again", "--scenario", "aborts",
        "--num-requests", "20", "--request-rate", "inf", "--max-concurrency", "10", "--input-len", "16",
        "--output-len", "400", "--endpoint", "completions", "--client-event-loops", "2", "--no-report");
    ConsoleOut console = quiet();
    RunResult result = LoadTestRun.execute(guarded.vertx(), settings, console);
    console.close();

    PhaseResult phase = result.phases().get(0);
    TargetResult a = phase.targets().get(0);
    TargetResult b = phase.targets().get(1);
    assertEquals(20, a.sent());
    assertEquals(20, b.sent());
    assertEquals(20, a.completed() + a.aborted());
    assertEquals(a.aborted(), b.aborted(), "the same requests abort on both sides");
    assertTrue(a.aborted() > 0 && a.aborted() < 20, "abort fraction 0.5: " + a.aborted());
    assertTrue(a.peakConcurrency() <= 10 && b.peakConcurrency() <= 10);
    long deadline = System.currentTimeMillis() + 5_000;
    while (sim.stats().aborted() - abortedBefore < a.aborted() + b.aborted()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    // A client hangs up after at most half its tokens, so each generation still had >= 200 tokens (400 ms) to go.
    assertEquals(a.aborted() + b.aborted(), sim.stats().aborted() - abortedBefore,
        "every client hang-up aborted a generation");
    assertEquals(b.outputThroughput() / a.outputThroughput(),
        result.comparison(phase).figure("output_throughput").ratio(), 1e-12);
  }
}
