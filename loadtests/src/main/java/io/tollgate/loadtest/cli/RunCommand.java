package io.tollgate.loadtest.cli;

import io.tollgate.loadtest.client.Endpoint;
import io.tollgate.loadtest.client.Target;
import io.tollgate.loadtest.metrics.GoodputSlo;
import io.tollgate.loadtest.report.ReportWriter;
import io.tollgate.loadtest.report.SummaryTable;
import io.tollgate.loadtest.result.RunResult;
import io.tollgate.loadtest.run.ClientSettings;
import io.tollgate.loadtest.run.ConsoleOut;
import io.tollgate.loadtest.scenario.LoadTestRun;
import io.tollgate.loadtest.scenario.RampSettings;
import io.tollgate.loadtest.scenario.RunSettings;
import io.tollgate.loadtest.scenario.Scenario;
import io.tollgate.loadtest.scenario.ScenarioDefaults;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code run}: drive one target, or two interleaved ({@code --compare-to}), and write a report. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a load-test scenario against a base URL (or two, interleaved, with --compare-to).",
        "Prints a live progress line on stderr, the figures on stdout, and writes a report folder.",
        "Exit codes: 0 done, 2 bad options, 3 no request completed, 4 could not run."})
public final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  // Targets
  @Option(names = {"--base-url", "--target"}, required = true, paramLabel = "URL",
      description = "Target A, e.g. http://127.0.0.1:8080 (a trailing /v1 is fine).")
  String baseUrl;

  @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:OPENAI_API_KEY}",
      description = "Bearer key for target A (default: $OPENAI_API_KEY).")
  String apiKey;

  @Option(names = "--label", paramLabel = "NAME", description = "Name of target A in reports (default: A).")
  String label;

  @Option(names = "--compare-to", paramLabel = "URL",
      description = "Target B: the same workload runs against A and B interleaved, figures as B/A.")
  String compareTo;

  @Option(names = "--compare-api-key", paramLabel = "KEY", description = "Bearer key for B (default: --api-key).")
  String compareApiKey;

  @Option(names = "--compare-label", paramLabel = "NAME", description = "Name of target B (default: B).")
  String compareLabel;

  @Option(names = "--model", description = "Model name (default: the first of A's /v1/models).")
  String model;

  @Option(names = "--endpoint", defaultValue = "chat", paramLabel = "chat|completions",
      description = "chat = /v1/chat/completions, completions = /v1/completions (default: ${DEFAULT-VALUE}).")
  String endpoint;

  // Scenario and arrivals
  @Option(names = "--scenario", defaultValue = "steady",
      description = "steady | ramp | slow-readers | idle-streams | aborts (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(names = "--request-rate", converter = Converters.Rate.class, paramLabel = "RPS|inf",
      description = "Arrivals per second per target; inf = all at t=0 (default: per scenario; ramp: first step).")
  Double requestRate;

  @Option(names = "--burstiness", defaultValue = "1.0",
      description = "Gamma shape of inter-arrival gaps: 1 = Poisson, <1 burstier, >1 smoother (default: 1).")
  double burstiness;

  @Option(names = "--max-concurrency", paramLabel = "N", description = "Cap on streams in flight per target.")
  Integer maxConcurrency;

  @Option(names = "--concurrency-sweep", split = ",", paramLabel = "N,N,...",
      description = "One phase per level, each with that --max-concurrency, e.g. 50,200,500.")
  List<Integer> concurrencySweep = new ArrayList<>();

  @Option(names = "--num-requests", paramLabel = "N", description = "Requests per target (and phase).")
  Long numRequests;

  @Option(names = "--duration", converter = Converters.HumanDuration.class, paramLabel = "TIME",
      description = "Send for this long instead of a count, e.g. 60s, 5m.")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "0", paramLabel = "N",
      description = "Requests per target sent before measuring, not counted (default: 0).")
  int warmup;

  // Workload
  @Option(names = "--input-len", paramLabel = "TOKENS", description = "Prompt length (default: per scenario).")
  Integer inputLen;

  @Option(names = "--output-len", paramLabel = "TOKENS", description = "Output length (default: per scenario).")
  Integer outputLen;

  @Option(names = "--range-ratio", defaultValue = "0.0",
      description = "Lengths drawn from [len·(1−r), len·(1+r)] (default: 0).")
  double rangeRatio;

  @Option(names = "--prefix-len", defaultValue = "0", paramLabel = "TOKENS",
      description = "Shared-prefix workload: a common system prompt of this many tokens.")
  int prefixLen;

  @Option(names = "--num-prefixes", defaultValue = "1", description = "Distinct shared prefixes (default: 1).")
  int numPrefixes;

  @Option(names = "--prompts-file", paramLabel = "FILE.jsonl",
      description = "One request per line: {\"prompt\":…} or {\"messages\":[…]}, optional \"output_len\".")
  Path promptsFile;

  @Option(names = "--seed", defaultValue = "0", description = "Seeds prompts, arrivals and aborts (default: 0).")
  long seed;

  @Option(names = "--ignore-eos", negatable = true,
      description = "Ask for the full output length (ignore_eos). Default: per scenario.")
  Boolean ignoreEos;

  @Option(names = "--goodput", arity = "1..*", paramLabel = "KEY:MS",
      description = "SLOs for goodput: ttft:MS tpot:MS e2el:MS.")
  List<String> goodput;

  // Scenario knobs
  @Option(names = "--read-delay-ms", description = "Slow readers: one SSE event per this many ms.")
  Long readDelayMs;

  @Option(names = "--abort-fraction", description = "Share of clients that hang up mid-stream (aborts: 0.5).")
  Double abortFraction;

  @Option(names = "--first-token-hold-ms",
      description = "idle-streams: simulator holds each first token this long (needs --sim-url).")
  Long firstTokenHoldMs;

  @Option(names = "--ramp-factor", defaultValue = "1.5", description = "Ramp: rate multiplier per step.")
  double rampFactor;

  @Option(names = "--ramp-max-steps", defaultValue = "10", description = "Ramp: most steps (default: 10).")
  int rampMaxSteps;

  @Option(names = "--step-duration", defaultValue = "15s", converter = Converters.HumanDuration.class,
      description = "Ramp: how long each step sends (default: 15s).")
  Duration stepDuration;

  @Option(names = "--knee-fraction", defaultValue = "0.9",
      description = "Ramp: stop when fewer than this share of requests meet the SLOs (default: 0.9).")
  double kneeFraction;

  // Gateway and simulator observation
  @Option(names = "--gateway-pid", description = "Sample this process's RSS, heap and CPU time.")
  Long gatewayPid;

  @Option(names = "--gateway-metrics-url", paramLabel = "URL",
      description = "Prometheus endpoint to read event-loop lag (and heap) from.")
  String gatewayMetricsUrl;

  @Option(names = "--sample-interval-ms", defaultValue = "1000", description = "Gateway sampling period.")
  long sampleIntervalMs;

  @Option(names = "--sim-url", paramLabel = "URL",
      description = "A vLLM simulator behind the target(s): /sim/stats during phases, /sim/faults for idle-streams.")
  String simUrl;

  // Client and output
  @Option(names = "--client-event-loops", defaultValue = "1",
      description = "Event loops of the load generator (default: 1, like vLLM's bench).")
  int clientEventLoops;

  @Option(names = "--request-timeout", defaultValue = "600s", converter = Converters.HumanDuration.class,
      description = "Per-request limit (default: 600s).")
  Duration requestTimeout;

  @Option(names = "--connect-timeout-ms", defaultValue = "10000")
  int connectTimeoutMs;

  @Option(names = "--recv-buffer-bytes", description = "Client SO_RCVBUF (slow-readers: 16384; else OS default).")
  Integer receiveBufferBytes;

  @Option(names = "--no-initial-test",
      description = "Skip the one request per target that checks URL, key and model before the run.")
  boolean noInitialTest;

  @Option(names = "--insecure", description = "Trust any TLS certificate.")
  boolean insecure;

  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "Report folder (default: loadtests/reports/<timestamp>-<scenario>/).")
  Path reportDir;

  @Option(names = "--no-report", description = "Print the figures only.")
  boolean noReport;

  @Override
  public Integer call() throws Exception {
    RunSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.client().eventLoops())
        .setPreferNativeTransport(true));
    ConsoleOut console = ConsoleOut.stderr();
    RunResult result;
    try {
      result = LoadTestRun.execute(vertx, settings, console);
    } catch (Exception e) {
      console.line("error: " + rootMessage(e));
      console.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return 4;
    }
    console.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.print(SummaryTable.render(result));
    System.out.flush();
    if (settings.reportDir() != null) {
      ReportWriter.write(result, settings.reportDir());
      System.err.println("report: " + settings.reportDir().toAbsolutePath().normalize()
          + "/{" + ReportWriter.RESULT + "," + ReportWriter.SUMMARY + "," + ReportWriter.HTML + "}");
    }
    boolean anyCompleted = result.phases().stream().flatMap(p -> p.targets().stream())
        .anyMatch(t -> t.completed() > 0 || t.aborted() > 0);
    return anyCompleted ? 0 : 3;
  }

  /** Parses {@code run} options as the command line would (for programs and tests that run in-process). */
  public static RunSettings parseSettings(String... runArgs) {
    String[] full = new String[runArgs.length + 1];
    full[0] = "run";
    System.arraycopy(runArgs, 0, full, 1, runArgs.length);
    picocli.CommandLine.ParseResult parsed = io.tollgate.loadtest.LoadTestMain.commandLine().parseArgs(full);
    return ((RunCommand) parsed.subcommand().commandSpec().userObject()).settings();
  }

  RunSettings settings() {
    Scenario sc = Scenario.parse(scenario);
    ScenarioDefaults d = sc.defaults();
    if (numRequests != null && duration != null) {
      throw new IllegalArgumentException("give --num-requests or --duration, not both");
    }
    List<Target> targets = new ArrayList<>();
    targets.add(new Target(label != null ? label : "A", baseUrl, apiKey));
    if (compareTo != null) {
      String bLabel = compareLabel != null ? compareLabel : "B";
      if (bLabel.equals(targets.get(0).label())) {
        throw new IllegalArgumentException("--label and --compare-label must differ");
      }
      targets.add(new Target(bLabel, compareTo, compareApiKey != null ? compareApiKey : apiKey));
    }
    Endpoint ep = switch (endpoint.toLowerCase(java.util.Locale.ROOT)) {
      case "chat" -> Endpoint.CHAT;
      case "completions" -> Endpoint.COMPLETIONS;
      default -> throw new IllegalArgumentException("--endpoint must be chat or completions");
    };
    double rate = requestRate != null ? requestRate : d.requestRate();
    long count = numRequests != null ? numRequests : 0;
    Duration runFor = duration;
    if (count == 0 && runFor == null && sc != Scenario.RAMP) {
      count = d.numRequests();
    }
    if (numRequests != null && numRequests < 1) {
      throw new IllegalArgumentException("--num-requests must be >= 1");
    }
    if (sc == Scenario.RAMP && Double.isInfinite(rate)) {
      throw new IllegalArgumentException("ramp needs a finite starting --request-rate");
    }
    if (sc == Scenario.RAMP && !concurrencySweep.isEmpty()) {
      throw new IllegalArgumentException("--concurrency-sweep does not combine with the ramp scenario");
    }
    for (int level : concurrencySweep) {
      if (level < 1) {
        throw new IllegalArgumentException("--concurrency-sweep levels must be >= 1");
      }
    }
    GoodputSlo slo = GoodputSlo.parse(goodput);
    if (sc == Scenario.RAMP && !slo.isSet()) {
      slo = new GoodputSlo(1000, 50, Double.NaN); // a knee needs SLOs; stated in the report
    }
    int maxConc = maxConcurrency != null ? maxConcurrency : d.maxConcurrency();
    int poolSize = 1;
    for (int level : concurrencySweep) {
      poolSize = Math.max(poolSize, level);
    }
    poolSize = Math.max(poolSize, maxConc > 0 ? maxConc : 65_536);
    if (clientEventLoops < 1 || clientEventLoops > 64) {
      throw new IllegalArgumentException("--client-event-loops must be in [1, 64]");
    }
    ClientSettings client = new ClientSettings(clientEventLoops, poolSize + 8, connectTimeoutMs,
        receiveBufferBytes != null ? receiveBufferBytes : d.receiveBufferBytes(), insecure);
    RampSettings ramp = sc == Scenario.RAMP ? new RampSettings(rampFactor, rampMaxSteps, stepDuration, kneeFraction)
        : null;
    Path dir = noReport ? null : reportDir != null ? reportDir : defaultReportDir(sc);
    long hold = firstTokenHoldMs != null ? firstTokenHoldMs : d.firstTokenHoldMs();
    return new RunSettings(sc, targets, model, ep, rate, burstiness, maxConc, concurrencySweep, count, runFor,
        warmup, inputLen != null ? inputLen : d.inputLen(), outputLen != null ? outputLen : d.outputLen(),
        rangeRatio, prefixLen, numPrefixes, promptsFile, seed, ignoreEos != null ? ignoreEos : d.ignoreEos(), slo,
        readDelayMs != null ? readDelayMs : d.readDelayMs(), abortFraction != null ? abortFraction : d.abortFraction(),
        hold, ramp, gatewayPid, gatewayMetricsUrl, sampleIntervalMs, simUrl, client, requestTimeout.toMillis(), !noInitialTest, dir,
        commandLine());
  }

  private String commandLine() {
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    for (int i = 0; i < args.size(); i++) { // never write keys into a report
      if ((args.get(i).equals("--api-key") || args.get(i).equals("--compare-api-key")) && i + 1 < args.size()) {
        args.set(i + 1, "***");
      } else if (args.get(i).startsWith("--api-key=") || args.get(i).startsWith("--compare-api-key=")) {
        args.set(i, args.get(i).substring(0, args.get(i).indexOf('=') + 1) + "***");
      }
    }
    return "tollgate-loadtest " + String.join(" ", args); // the original arguments start with "run"
  }

  static Path defaultReportDir(Scenario scenario) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path base = Files.isDirectory(Path.of("loadtests")) ? Path.of("loadtests", "reports") : Path.of("reports");
    return base.resolve(stamp + "-" + scenario.cliName());
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
}
