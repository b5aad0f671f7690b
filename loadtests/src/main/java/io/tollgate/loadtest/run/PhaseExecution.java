package io.tollgate.loadtest.run;

import io.tollgate.loadtest.arrival.ArrivalProcess;
import io.tollgate.loadtest.client.ClientBehaviour;
import io.tollgate.loadtest.client.RequestBodies;
import io.tollgate.loadtest.client.RequestOutcome;
import io.tollgate.loadtest.client.StreamingCall;
import io.tollgate.loadtest.client.Target;
import io.tollgate.loadtest.metrics.LatencyStats;
import io.tollgate.loadtest.metrics.MetricsRecorder;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.workload.RequestSpec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One phase on the driver loop: an open-loop arrival process as vLLM's bench has it (arrivals come on their
 * own schedule; {@code --max-concurrency} only delays sending, like its semaphore), fanned out to one or two
 * targets. With two targets each arrival is a pair: the same request goes to A and B at the same moment, the
 * order alternating (A, B, then B, A) so that neither target always goes first. Everything here runs on the
 * driver loop; requests may run on other loops and report back.
 */
final class PhaseExecution {

  private static final long PROGRESS_PERIOD_MS = 1_000;
  private static final long LAG_PROBE_MS = 100;

  private final Vertx vertx;
  private final Context driver;
  private final List<ClientLoop> loops;
  private final DriverConfig config;
  private final PhasePlan plan;
  private final int phaseIndex;
  private final boolean measured;
  private final boolean showProgress;
  private final int outputCap;
  private final ConsoleOut console;
  private final Promise<PhaseResult> promise = Promise.promise();
  private final int targetCount;
  private final ArrivalProcess arrivals;
  private final MetricsRecorder[] recorders;
  private final long[] sent;
  private final int[] inFlight;
  private final LatencyStats clientLag = new LatencyStats();

  private long startNanos;
  private long deadlineNanos = Long.MAX_VALUE;
  private long nextArrivalNanos;
  private long arrived;
  private boolean arrivalsDone;
  private boolean stopped;
  private long[] notSent;
  private int nextTarget;
  private long loopCounter;
  private long arrivalTimer = -1;
  private long deadlineTimer = -1;
  private long progressTimer = -1;
  private long lagTimer = -1;
  private long lagExpectedNanos;
  private long lastProgressDone;
  private boolean finished;

  PhaseExecution(Vertx vertx, Context driver, List<ClientLoop> loops, DriverConfig config, PhasePlan plan,
      int phaseIndex, boolean measured, boolean showProgress, int outputCap, ConsoleOut console) {
    this.vertx = vertx;
    this.driver = driver;
    this.loops = loops;
    this.config = config;
    this.plan = plan;
    this.phaseIndex = phaseIndex;
    this.measured = measured;
    this.showProgress = showProgress;
    this.outputCap = outputCap;
    this.console = console;
    this.targetCount = config.targets().size();
    this.arrivals = new ArrivalProcess(plan.requestRate(), plan.burstiness(), plan.seed());
    this.recorders = new MetricsRecorder[targetCount];
    this.sent = new long[targetCount];
    this.inFlight = new int[targetCount];
    this.notSent = new long[targetCount];
  }

  Future<PhaseResult> start() {
    startNanos = System.nanoTime();
    for (int t = 0; t < targetCount; t++) {
      Target target = config.targets().get(t);
      recorders[t] = new MetricsRecorder(target.label(), target.baseUrl(), plan.slo(), startNanos);
    }
    if (!plan.fixedCount()) {
      deadlineNanos = startNanos + plan.duration().toNanos();
      deadlineTimer = vertx.setTimer(Math.max(1, plan.duration().toMillis()), id -> stop());
    }
    if (arrivals.allAtOnce()) {
      arrived = plan.fixedCount() ? plan.numRequests() : Long.MAX_VALUE;
      arrivalsDone = true;
      pump();
    } else {
      nextArrivalNanos = startNanos; // vLLM sends its first request at t = 0, then waits a gap
      tick();
    }
    if (showProgress) {
      progressTimer = vertx.setPeriodic(PROGRESS_PERIOD_MS, id -> progress());
    }
    lagExpectedNanos = System.nanoTime() + LAG_PROBE_MS * 1_000_000;
    lagTimer = vertx.setTimer(LAG_PROBE_MS, id -> probeLag());
    checkDone();
    return promise.future();
  }

  private void tick() {
    arrivalTimer = -1;
    long now = System.nanoTime();
    while (!arrivalsDone && nextArrivalNanos <= now) {
      arrived++;
      nextArrivalNanos += arrivals.nextGapNanos();
      if (plan.fixedCount() ? arrived >= plan.numRequests() : nextArrivalNanos >= deadlineNanos) {
        arrivalsDone = true;
      }
    }
    pump();
    if (!arrivalsDone && !stopped) {
      long delayMs = Math.max(1, (nextArrivalNanos - System.nanoTime() + 999_999) / 1_000_000);
      arrivalTimer = vertx.setTimer(delayMs, id -> tick());
    }
    checkDone();
  }

  /** A fixed-duration phase ended: no new requests; those in flight finish. */
  private void stop() {
    deadlineTimer = -1;
    if (stopped) {
      return;
    }
    stopped = true;
    arrivalsDone = true;
    if (arrivalTimer >= 0) {
      vertx.cancelTimer(arrivalTimer);
    }
    for (int t = 0; t < targetCount; t++) {
      notSent[t] = arrived == Long.MAX_VALUE ? 0 : Math.max(0, arrived - sent[t]);
    }
    checkDone();
  }

  /** Sends whatever has arrived and fits under the concurrency cap, alternating targets. */
  private void pump() {
    boolean any = true;
    while (any) {
      any = false;
      for (int k = 0; k < targetCount; k++) {
        int t = nextTarget;
        nextTarget = (nextTarget + 1) % targetCount;
        if (canSend(t)) {
          launch(t);
          any = true;
        }
      }
    }
  }

  private boolean canSend(int t) {
    return !stopped && !finished && sent[t] < arrived
        && (plan.maxConcurrency() <= 0 || inFlight[t] < plan.maxConcurrency());
  }

  private void launch(int t) {
    long n = sent[t]++;
    inFlight[t]++;
    Target target = config.targets().get(t);
    RequestSpec spec = capped(config.workload().spec(plan.firstSpecIndex() + n));
    ClientBehaviour behaviour = behaviourFor(n, spec);
    Buffer body = RequestBodies.buffer(config.endpoint(), config.model(), spec, config.ignoreEos());
    String requestId = config.runId() + "-" + target.label() + "-" + phaseIndex + (measured ? "-" : "-w") + n;
    if (measured) {
      recorders[t].sent(System.nanoTime());
    }
    ClientLoop loop = loops.get((int) (loopCounter++ % loops.size()));
    if (loop.context() == driver) {
      StreamingCall.start(vertx, loop.client(), t, target, config.endpoint(), requestId, body, spec.promptTokens(),
          spec.maxTokens(), behaviour).onSuccess(this::onOutcome);
    } else {
      loop.context().runOnContext(v -> StreamingCall.start(vertx, loop.client(), t, target, config.endpoint(),
              requestId, body, spec.promptTokens(), spec.maxTokens(), behaviour)
          .onSuccess(outcome -> driver.runOnContext(x -> onOutcome(outcome))));
    }
  }

  private RequestSpec capped(RequestSpec spec) {
    if (outputCap <= 0 || spec.maxTokens() <= outputCap) {
      return spec;
    }
    return new RequestSpec(spec.systemPrompt(), spec.userPrompt(), spec.messages(), spec.promptTokens(), outputCap);
  }

  /** Which requests abort, and after how many chunks: a function of the request index, same for A and B. */
  private ClientBehaviour behaviourFor(long n, RequestSpec spec) {
    if (plan.abortFraction() <= 0) {
      return plan.behaviour();
    }
    SplittableRandom random = new SplittableRandom(plan.seed() * 0x9E3779B97F4A7C15L + n);
    if (random.nextDouble() >= plan.abortFraction()) {
      return plan.behaviour();
    }
    int half = Math.max(1, spec.maxTokens() / 2);
    return plan.behaviour().withAbortAfterChunks(1 + random.nextInt(half));
  }

  private void onOutcome(RequestOutcome outcome) {
    int t = outcome.target();
    inFlight[t]--;
    if (measured) {
      recorders[t].record(outcome);
    }
    pump();
    checkDone();
  }

  private void checkDone() {
    if (finished || !arrivalsDone) {
      return;
    }
    for (int t = 0; t < targetCount; t++) {
      if (inFlight[t] > 0 || (!stopped && sent[t] < arrived)) {
        return;
      }
    }
    finish();
  }

  private void finish() {
    finished = true;
    for (long timer : new long[] {arrivalTimer, deadlineTimer, progressTimer, lagTimer}) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
    List<TargetResult> results = new ArrayList<>();
    List<Long> unsent = new ArrayList<>();
    for (int t = 0; t < targetCount; t++) {
      results.add(recorders[t].result());
      unsent.add(notSent[t]);
    }
    if (measured && showProgress) {
      console.line(finalLine());
    }
    promise.complete(new PhaseResult(plan.name(), plan.requestRate(), plan.burstiness(), plan.maxConcurrency(),
        results, unsent, clientLag.summaryMillis(), null));
  }

  /** Measures how late the driver loop runs timers: the load generator's own saturation. */
  private void probeLag() {
    long now = System.nanoTime();
    clientLag.recordNanos(Math.max(0, now - lagExpectedNanos));
    lagExpectedNanos = now + LAG_PROBE_MS * 1_000_000;
    lagTimer = finished ? -1 : vertx.setTimer(LAG_PROBE_MS, id -> probeLag());
  }

  private void progress() {
    long done = 0;
    long errors = 0;
    int flying = 0;
    for (int t = 0; t < targetCount; t++) {
      done += recorders[t].done();
      errors += recorders[t].failed();
      flying += inFlight[t];
    }
    if (!measured) {
      long warmDone = 0;
      for (int t = 0; t < targetCount; t++) {
        warmDone += sent[t] - inFlight[t];
      }
      console.status(String.format("[%s] %d/%d done, %d in flight", plan.name(), warmDone,
          plan.numRequests() * targetCount, flying));
      return;
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long rate = done - lastProgressDone;
    lastProgressDone = done;
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(plan.name()).append("] ");
    if (plan.fixedCount()) {
      sb.append(done).append('/').append(plan.numRequests() * targetCount).append(" done");
    } else {
      sb.append(done).append(" done, ").append(String.format("%.0f/%ds", elapsed, plan.duration().toSeconds()));
    }
    sb.append(String.format(" | %d req/s | errors %d | p50 TTFT", rate, errors));
    for (int t = 0; t < targetCount; t++) {
      double p50 = recorders[t].ttftMedianMillis();
      if (targetCount > 1) {
        sb.append(' ').append(recorders[t].label());
      }
      sb.append(Double.isNaN(p50) ? " -" : String.format(" %.1f ms", p50));
    }
    sb.append(" | in flight ").append(flying);
    console.status(sb.toString());
  }

  private String finalLine() {
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(plan.name()).append("] finished:");
    for (int t = 0; t < targetCount; t++) {
      sb.append(' ').append(recorders[t].label()).append(' ').append(recorders[t].completed()).append(" ok ")
          .append(recorders[t].failed()).append(" failed;");
    }
    sb.append(String.format(" %.1f s", (System.nanoTime() - startNanos) / 1e9));
    return sb.toString();
  }
}
