package io.tollgate.loadtest.report;

import io.tollgate.loadtest.result.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a report folder: result.json (the data), summary.md and report.html (for people). */
public final class ReportWriter {

  public static final String RESULT = "result.json";
  public static final String SUMMARY = "summary.md";
  public static final String HTML = "report.html";

  private ReportWriter() {
  }

  public static void write(RunResult run, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RESULT), run.toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(SUMMARY), MarkdownReport.render(run), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(HTML), HtmlReport.render(run), StandardCharsets.UTF_8);
  }

  public static RunResult read(Path resultJson) throws IOException {
    String text = Files.readString(resultJson, StandardCharsets.UTF_8);
    return RunResult.fromJson(new io.vertx.core.json.JsonObject(text));
  }
}
