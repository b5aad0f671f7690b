package io.tollgate.loadtest.cli;

import io.tollgate.loadtest.report.ReportWriter;
import io.tollgate.loadtest.report.SummaryTable;
import io.tollgate.loadtest.result.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code report result.json}: print the summary again and re-render summary.md and report.html beside it. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Re-render a result.json's summary (stdout), summary.md and report.html.")
public final class ReportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "RESULT.json")
  Path resultFile;

  @Override
  public Integer call() throws Exception {
    RunResult run = ReportWriter.read(resultFile);
    System.out.print(SummaryTable.render(run));
    Path dir = resultFile.toAbsolutePath().getParent();
    ReportWriter.write(run, dir);
    System.err.println("report: " + dir);
    return 0;
  }
}
