package io.tollgate.loadtest.scenario;

import io.tollgate.loadtest.client.ClientBehaviour;
import io.tollgate.loadtest.client.ParserWarmup;
import io.tollgate.loadtest.gateway.GatewayFigures;
import io.tollgate.loadtest.gateway.GatewaySampler;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.Machine;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;
import io.tollgate.loadtest.run.ConsoleOut;
import io.tollgate.loadtest.run.DriverConfig;
import io.tollgate.loadtest.run.LoadDriver;
import io.tollgate.loadtest.run.PhasePlan;
import io.tollgate.loadtest.workload.PromptsFileWorkload;
import io.tollgate.loadtest.workload.RandomWorkload;
import io.tollgate.loadtest.workload.Workload;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario from its settings and returns the result. Called from a plain thread (the CLI's main
 * thread, a test), which waits for each phase; the load itself runs on Vert.x event loops.
 */
public final class LoadTestRun {

  /** Timer lag of the load generator above which its figures carry a warning. */
  static final double CLIENT_LAG_WARN_MS = 10;

  private final Vertx vertx;
  private final RunSettings settings;
  private final ConsoleOut console;
  private final List<String> notes = new ArrayList<>();
  private GatewaySampler sampler;

  private LoadTestRun(Vertx vertx, RunSettings settings, ConsoleOut console) {
    this.vertx = vertx;
    this.settings = settings;
    this.console = console;
  }

  public static RunResult execute(Vertx vertx, RunSettings settings, ConsoleOut console) throws Exception {
    return new LoadTestRun(vertx, settings, console).execute();
  }

  private RunResult execute() throws Exception {
    String startedAt = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    double loadBefore = Machine.loadAverage();
    RunSettings s = settings;
    if (s.model() == null) {
      s = s.withModel(HttpProbe.firstModel(s.targets().get(0)));
      console.line("model: " + s.model() + " (first of " + s.targets().get(0).baseUrl() + "/v1/models)");
    }
    Workload workload = s.promptsFile() != null
        ? PromptsFileWorkload.load(s.promptsFile(), s.outputLen())
        : new RandomWorkload(s.inputLen(), s.outputLen(), s.rangeRatio(), s.prefixLen(), s.numPrefixes(), s.seed());
    String runId = "tg" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    console.line("scenario " + s.scenario() + ": " + s.scenario().description());
    console.line("workload: " + workload.describe() + "; run id " + runId);
    DriverConfig config = new DriverConfig(s.targets(), s.endpoint(), s.model(), workload, s.ignoreEos(), s.client(),
        runId);
    sampler = new GatewaySampler(s.gatewayPid(), s.gatewayMetricsUrl(), s.sampleIntervalMs());
    List<PhaseResult> phases = new ArrayList<>();
    JsonObject ramp = null;
    GatewayFigures gateway;
    LoadDriver driver = await(LoadDriver.start(vertx, config, console));
    try {
      ParserWarmup.run(20_000);
      if (s.initialTest()) {
        initialTest(driver, s);
      }
      sampler.start();
      if (s.scenario() == Scenario.RAMP) {
        ramp = runRamp(driver, plan(s, s.scenario().cliName(), s.maxConcurrency(), 0), phases);
      } else if (!s.concurrencySweep().isEmpty()) {
        for (int level : s.concurrencySweep()) {
          phases.add(runPhase(driver, plan(s, "concurrency " + level, level, phases.size() * 1_000_000_000L)));
        }
      } else {
        phases.add(runPhase(driver, plan(s, s.scenario().cliName(), s.maxConcurrency(), 0)));
      }
    } finally {
      gateway = sampler.finish();
      sampler.close();
      await(driver.close());
    }
    addNotes(s, phases, loadBefore);
    return new RunResult(s.scenario().cliName(), startedAt, s.command(), Machine.current(loadBefore), s.toJson(), phases,
        gateway, ramp, notes);
  }

  /**
   * Like vLLM's bench, one request per target before anything else: a wrong URL, key or model stops the
   * run with the server's own answer instead of a report full of failures. It also warms the path.
   */
  private void initialTest(LoadDriver driver, RunSettings s) throws Exception {
    PhasePlan probe = new PhasePlan("initial test", Double.POSITIVE_INFINITY, 1, 1, 1, null, 0,
        ClientBehaviour.normal(s.requestTimeoutMs()), 0, s.slo(), s.seed(), 5_000_000_000_000L);
    PhaseResult result = await(driver.probe(probe, 4));
    for (TargetResult t : result.targets()) {
      if (t.completed() == 0) {
        String why = t.failureExamples().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
            .findFirst().orElse("no answer");
        throw new IOException("the initial test request to " + t.label() + " (" + t.baseUrl() + ") failed, check "
            + "--base-url, --api-key, --model and --endpoint. " + why);
      }
    }
    console.line("initial test: " + result.targets().stream().map(t -> String.format(Locale.ROOT, "%s answered, TTFT "
        + "%.1f ms", t.label(), t.ttft().median())).collect(java.util.stream.Collectors.joining("; ")));
  }

  private static PhasePlan plan(RunSettings s, String name, int maxConcurrency, long firstSpecIndex) {
    ClientBehaviour behaviour = new ClientBehaviour(s.readDelayMs(), -1, s.requestTimeoutMs());
    if (s.scenario() == Scenario.RAMP) { // steps run by duration; the rate is set per step
      return new PhasePlan(name, s.requestRate(), s.burstiness(), maxConcurrency, 0, s.ramp().stepDuration(),
          s.warmup(), behaviour, s.abortFraction(), s.slo(), s.seed(), firstSpecIndex);
    }
    return new PhasePlan(name, s.requestRate(), s.burstiness(), maxConcurrency, s.numRequests(), s.duration(),
        s.warmup(), behaviour, s.abortFraction(), s.slo(), s.seed(), firstSpecIndex);
  }

  private PhaseResult runPhase(LoadDriver driver, PhasePlan plan) throws Exception {
    await(driver.warmup(plan));
    sampler.markBaseline(); // the first phase's warm-up is over: gateway growth counts from here
    JsonObject restoreFaults = null;
    if (settings.firstTokenHoldMs() > 0) {
      restoreFaults = holdFirstTokens();
    }
    SimStatsPoller poller = null;
    if (settings.simUrl() != null) {
      try {
        poller = SimStatsPoller.start(settings.simUrl());
      } catch (IOException e) {
        notes.add("--sim-url " + settings.simUrl() + ": " + e.getMessage());
      }
    }
    try {
      PhaseResult result = await(driver.measure(plan));
      if (poller != null) {
        try {
          result = result.withServerStats(poller.finish());
        } catch (IOException e) {
          notes.add("could not read /sim/stats after phase '" + plan.name() + "': " + e.getMessage());
        }
      }
      return result;
    } finally {
      if (poller != null) {
        poller.close();
      }
      if (restoreFaults != null) {
        HttpProbe.setSimFaults(settings.simUrl(), restoreFaults);
      }
    }
  }

  /** idle-streams: asks the simulator to hold each first token; returns the faults to restore after. */
  private JsonObject holdFirstTokens() {
    if (settings.simUrl() == null) {
      notes.add("no --sim-url: streams wait for their first token only as long as the server takes by itself; "
          + "give --sim-url (a simulator) to hold first tokens for " + settings.firstTokenHoldMs() + " ms");
      return null;
    }
    try {
      JsonObject previous = HttpProbe.simFaults(settings.simUrl());
      JsonObject hold = previous.copy().put("stallBeforeFirstTokenMillis", settings.firstTokenHoldMs());
      HttpProbe.setSimFaults(settings.simUrl(), hold);
      console.line("simulator holds every first token for " + settings.firstTokenHoldMs() + " ms");
      return previous;
    } catch (IOException e) {
      notes.add("could not set the simulator's first-token hold: " + e.getMessage());
      return null;
    }
  }

  /**
   * Rates start, start × factor, …; stops after the first step in which fewer than the knee fraction of requests
   * met the SLOs (goodput fell away from the offered load). The knee is the last rate that kept up.
   */
  private JsonObject runRamp(LoadDriver driver, PhasePlan base, List<PhaseResult> phases) throws Exception {
    RampSettings ramp = settings.ramp();
    double rate = base.requestRate();
    int targets = settings.targets().size();
    double[] knee = new double[targets];
    java.util.Arrays.fill(knee, Double.NaN);
    JsonArray steps = new JsonArray();
    String stopReason = "reached --ramp-max-steps (" + ramp.maxSteps() + ") with the SLOs still met";
    for (int step = 0; step < ramp.maxSteps(); step++) {
      PhasePlan plan = new PhasePlan(String.format(Locale.ROOT, "rate %.2f/s", rate), rate, base.burstiness(),
          base.maxConcurrency(), 0, ramp.stepDuration(), step == 0 ? base.warmupRequests() : 0, base.behaviour(),
          base.abortFraction(), base.slo(), base.seed() + step, step * 1_000_000_000L);
      PhaseResult result = runPhase(driver, plan);
      phases.add(result);
      JsonObject stepJson = new JsonObject().put("rate", rate);
      boolean anyFell = false;
      for (int t = 0; t < targets; t++) {
        TargetResult r = result.targets().get(t);
        // Share of the step's requests that met every SLO; requests never sent (the step ended while they
        // waited for a concurrency slot) count as not good.
        long asked = r.sent() + result.notSent().get(t);
        double share = asked == 0 ? 0 : r.goodRequests() / (double) asked;
        stepJson.put(r.label(), new JsonObject().put("goodput", r.goodput()).put("goodShare", share)
            .put("requestThroughput", r.requestThroughput()));
        if (share >= ramp.kneeFraction()) {
          knee[t] = Double.isNaN(knee[t]) ? rate : Math.max(knee[t], rate);
        } else {
          anyFell = true;
        }
      }
      steps.add(stepJson);
      if (anyFell) {
        stopReason = String.format(Locale.ROOT, "fewer than %.0f%% of requests met the SLOs at %.2f req/s",
            ramp.kneeFraction() * 100, rate);
        break;
      }
      rate *= ramp.factor();
    }
    JsonObject kneeJson = new JsonObject();
    StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "Knee (highest offered rate at which at"
        + " least %.0f%% of requests met the SLOs %s): ", ramp.kneeFraction() * 100, settings.slo()));
    for (int t = 0; t < targets; t++) {
      String label = settings.targets().get(t).label();
      kneeJson.put(label, Double.isNaN(knee[t]) ? null : knee[t]);
      summary.append(t > 0 ? "; " : "").append(label).append(' ')
          .append(Double.isNaN(knee[t]) ? "below the first step" : String.format(Locale.ROOT, "%.2f req/s", knee[t]));
    }
    summary.append(". Stopped: ").append(stopReason).append('.');
    return new JsonObject().put("slo", settings.slo().toJson()).put("kneeFraction", ramp.kneeFraction())
        .put("steps", steps).put("knee", kneeJson).put("summary", summary.toString());
  }

  private void addNotes(RunSettings s, List<PhaseResult> phases, double loadBefore) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (loadBefore > cores) {
      notes.add(String.format(Locale.ROOT, "the machine was already busy when the run started (1-minute load "
          + "average %.2f on %d cores): other processes competed for CPU with the load and the servers", loadBefore,
          cores));
    }
    for (PhaseResult p : phases) {
      double lag = p.clientLagMs().p99();
      if (lag > CLIENT_LAG_WARN_MS) {
        notes.add(String.format(Locale.ROOT, "phase '%s': the load generator's timers ran late (p99 %.1f ms): the"
            + " client was short of CPU (saturated, or sharing the machine with what it measures), so its latencies"
            + " include client delay; give it its own cores or more --client-event-loops", p.name(), lag));
      }
      for (TargetResult t : p.targets()) {
        if (t.completed() == 0) {
          notes.add("phase '" + p.name() + "': no request to " + t.label() + " completed" + (t.failures().isEmpty()
              ? "" : " (failures: " + t.failures() + ")"));
        }
        if (t.estimatedOutputLengths() > 0) {
          notes.add("phase '" + p.name() + "': " + t.label() + " sent no usage chunk for "
              + t.estimatedOutputLengths() + " requests; their output length was counted from chunks");
        }
      }
    }
    if (s.scenario() == Scenario.SLOW_READERS && s.gatewayPid() == null) {
      notes.add("slow-readers without --gateway-pid: the gateway's memory was not watched");
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(7, TimeUnit.DAYS);
  }
}
