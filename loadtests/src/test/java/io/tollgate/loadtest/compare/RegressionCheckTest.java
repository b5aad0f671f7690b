package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.cli.DiffCommandProbe;
import io.tollgate.loadtest.report.ReportWriter;
import io.tollgate.loadtest.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionCheckTest {

  private static final RunResult OLD = Results.run(Results.target("A", 100, 10, 1000, 100, 0));

  private static List<String> regressed(RunResult newRun, double tolerance, double floorMs) {
    return RegressionCheck.check(OLD, newRun, tolerance, floorMs).regressions().stream()
        .map(d -> d.figure().key()).toList();
  }

  @Test
  void sameResultDoesNotRegress() {
    assertFalse(RegressionCheck.check(OLD, OLD, 0.05, 0).regressed());
  }

  @Test
  void latencyWithinToleranceIsFine() {
    assertEquals(List.of(), regressed(Results.run(Results.target("A", 104.9, 10, 1000, 100, 0)), 0.05, 0));
  }

  @Test
  void latencyBeyondToleranceRegresses() {
    List<String> r = regressed(Results.run(Results.target("A", 106, 10, 1000, 100, 0)), 0.05, 0);
    assertTrue(r.containsAll(List.of("ttft_mean_ms", "ttft_median_ms", "ttft_p90_ms", "ttft_p99_ms",
        "e2el_median_ms")), r.toString());
    assertFalse(r.contains("itl_median_ms"));
  }

  @Test
  void fasterIsNeverARegression() {
    assertEquals(List.of(), regressed(Results.run(Results.target("A", 50, 5, 2000, 100, 0)), 0.05, 0));
  }

  @Test
  void throughputDropRegresses() {
    assertEquals(List.of("output_throughput", "total_token_throughput"),
        regressed(Results.run(Results.target("A", 100, 10, 940, 100, 0)), 0.05, 0));
    assertEquals(List.of(), regressed(Results.run(Results.target("A", 100, 10, 951, 100, 0)), 0.05, 0));
  }

  @Test
  void failureRateIsJudgedInAbsoluteTerms() {
    // 0% → 4% failed: within an absolute tolerance of 0.05; 0% → 6%: beyond it.
    List<String> small = regressed(Results.run(Results.target("A", 100, 10, 1000, 96, 4)), 0.05, 0);
    assertFalse(small.contains("failure_rate"), small.toString());
    List<String> large = regressed(Results.run(Results.target("A", 100, 10, 1000, 94, 6)), 0.05, 0);
    assertTrue(large.contains("failure_rate"), large.toString());
  }

  @Test
  void aLatencyFloorIgnoresTinyIncreases() {
    // ITL 10 → 10.8 ms is +8% but only 0.8 ms.
    RunResult newRun = Results.run(Results.target("A", 100, 10.8, 1000, 100, 0));
    assertTrue(regressed(newRun, 0.05, 0).contains("itl_median_ms"));
    assertFalse(regressed(newRun, 0.05, 1.0).contains("itl_median_ms"));
  }

  @Test
  void unmatchedTargetsAreReported() {
    RegressionCheck.Report report = RegressionCheck.check(OLD,
        Results.run(Results.target("B", 100, 10, 1000, 100, 0)), 0.05, 0);
    assertEquals(1, report.problems().size());
    assertFalse(report.regressed());
  }

  @Test
  void diffCommandExitCodes(@TempDir Path dir) throws Exception {
    Path oldDir = dir.resolve("old");
    Path sameDir = dir.resolve("same");
    Path worseDir = dir.resolve("worse");
    ReportWriter.write(OLD, oldDir);
    ReportWriter.write(OLD, sameDir);
    ReportWriter.write(Results.run(Results.target("A", 120, 10, 1000, 100, 0)), worseDir);
    Path oldJson = oldDir.resolve(ReportWriter.RESULT);
    assertEquals(0, DiffCommandProbe.exitCode(oldJson.toString(), sameDir.resolve(ReportWriter.RESULT).toString(),
        "--tolerance", "0.05"));
    assertEquals(1, DiffCommandProbe.exitCode(oldJson.toString(), worseDir.resolve(ReportWriter.RESULT).toString(),
        "--tolerance", "0.05"));
    assertEquals(0, DiffCommandProbe.exitCode(oldJson.toString(), worseDir.resolve(ReportWriter.RESULT).toString(),
        "--tolerance", "0.25"));
    assertEquals(2, DiffCommandProbe.exitCode(oldJson.toString(), dir.resolve("missing.json").toString()));
    assertEquals(1, DiffCommandProbe.exitCodeOf("compare", oldJson.toString(),
        worseDir.resolve(ReportWriter.RESULT).toString(), "--tolerance", "0.05"), "compare is diff's other name");
  }
}
