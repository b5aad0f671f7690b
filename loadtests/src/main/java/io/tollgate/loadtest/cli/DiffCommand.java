package io.tollgate.loadtest.cli;

import io.tollgate.loadtest.compare.RegressionCheck;
import io.tollgate.loadtest.report.Fmt;
import io.tollgate.loadtest.report.ReportWriter;
import io.tollgate.loadtest.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code diff old.json new.json} (also {@code compare}, the name for it): the regression check; exit
 * code 1 when anything regressed.
 */
@Command(name = "diff", aliases = "compare", mixinStandardHelpOptions = true,
    description = {"Compare two result.json files figure by figure.",
        "Exit code 1 when a figure regressed beyond the tolerance, 0 otherwise (2 on bad input)."})
public final class DiffCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OLD.json", description = "The baseline result.")
  Path oldFile;

  @Parameters(index = "1", paramLabel = "NEW.json", description = "The result to judge.")
  Path newFile;

  @Option(names = "--tolerance", defaultValue = "0.05",
      description = "Allowed relative worsening (0.05 = 5%%); for the failure rate, absolute (default: 0.05).")
  double tolerance;

  @Option(names = "--min-delta-ms", defaultValue = "0",
      description = "Ignore latency increases smaller than this many ms (default: 0).")
  double minDeltaMs;

  @Option(names = "--all", description = "List every figure, not only regressions.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    RunResult oldRun;
    RunResult newRun;
    try {
      oldRun = ReportWriter.read(oldFile);
      newRun = ReportWriter.read(newFile);
    } catch (Exception e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    RegressionCheck.Report report = RegressionCheck.check(oldRun, newRun, tolerance, minDeltaMs);
    print(report, System.out);
    return report.regressed() ? 1 : 0;
  }

  void print(RegressionCheck.Report report, PrintStream out) {
    report.problems().forEach(p -> out.println("warning: " + p));
    out.printf(Locale.ROOT, "%-22s %-10s %-26s %14s %14s %10s  %s%n", "phase", "target", "figure", "old", "new",
        "change", "verdict");
    for (RegressionCheck.Delta d : report.deltas()) {
      if (!all && !d.regressed()) {
        continue;
      }
      String change = d.figure().absolute() ? Fmt.signed(d.change())
          : Double.isNaN(d.change()) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", d.change() * 100);
      out.printf(Locale.ROOT, "%-22s %-10s %-26s %14s %14s %10s  %s%n", d.phase(), d.target(), d.figure().key(),
          Fmt.num(d.oldValue(), 3), Fmt.num(d.newValue(), 3), change, d.regressed() ? "REGRESSED" : "ok");
    }
    long regressions = report.regressions().size();
    out.printf(Locale.ROOT, "%d of %d figures regressed (tolerance %.1f%%%s).%n", regressions,
        report.deltas().size(), tolerance * 100, minDeltaMs > 0 ? ", latency floor " + minDeltaMs + " ms" : "");
  }
}
