package io.tollgate.gpu.simulator;

import io.vertx.ext.web.RoutingContext;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * What every generation API does the same way once its request is parsed: request id and trace context,
 * injected errors, vLLM's admission control, then one sequence per prompt and sample handed to the engine.
 */
final class Launcher {

  private final SimulatorConfig config;
  private final GpuEngine engine;
  private final SimulatorMetrics metrics;
  private final Supplier<SimulatorFaults> faults;
  /** Fault draws, seeded so that a run with an error rate is reproducible. Event loop only. */
  private final SplittableRandom faultDice;
  /** The W3C trace context of the latest generation request (vLLM reads it with --otlp-traces-endpoint). */
  private volatile String lastTraceparent;

  Launcher(SimulatorConfig config, GpuEngine engine, SimulatorMetrics metrics, Supplier<SimulatorFaults> faults) {
    this.config = config;
    this.engine = engine;
    this.metrics = metrics;
    this.faults = faults;
    this.faultDice = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
  }

  String lastTraceparent() {
    return lastTraceparent;
  }

  GpuEngine engine() {
    return engine;
  }

  /** Records the trace context and answers with the request id (the client's X-Request-Id, or a new one). */
  String requestId(RoutingContext ctx) {
    String traceparent = ctx.request().getHeader("traceparent");
    if (traceparent != null) {
      lastTraceparent = traceparent;
    }
    String requestId = RequestIds.fromHeaderOrRandom(ctx.request().getHeader("X-Request-Id"));
    ctx.response().putHeader("X-Request-Id", requestId);
    return requestId;
  }

  /** The error a request gets instead of generation (an injected fault, a queue cap), or null. */
  ApiError refusal(GenerationRequest request) {
    SimulatorFaults f = faults.get();
    if (f.errorRate() > 0 && faultDice.nextDouble() < f.errorRate()) {
      metrics.errorsInjected++;
      return new ApiError(f.errorStatus(), "Simulated server error (injected fault).", null);
    }
    return admissionRefusal(request.prompts().size() * request.n(), request.promptTokens());
  }

  /**
   * vLLM's admission control ({@code --max-num-queued-reqs}, {@code --max-num-queued-tokens}): a request that
   * would have to wait while the queue is at a cap is refused with 503 before any byte. A request that can
   * start at once (free batch slots, nobody waiting) is never refused. Returns null when admitted.
   */
  private ApiError admissionRefusal(int newSequences, long newPromptTokens) {
    if (!engine.mustWait(newSequences)) {
      return null;
    }
    int waiting = engine.waiting();
    if (config.maxNumQueuedReqs() > 0 && waiting + newSequences > config.maxNumQueuedReqs()) {
      metrics.rejectedQueuedReqs++;
      return new ApiError(503, "The server is overloaded: " + waiting + " requests are waiting "
          + "(max_num_queued_reqs=" + config.maxNumQueuedReqs() + "). Please retry later.", null);
    }
    long queuedTokens = engine.waitingPromptTokens();
    if (config.maxNumQueuedTokens() > 0 && queuedTokens + newPromptTokens > config.maxNumQueuedTokens()) {
      metrics.rejectedQueuedTokens++;
      return new ApiError(503, "The server is overloaded: " + queuedTokens + " prompt tokens are waiting and "
          + "this request adds " + newPromptTokens + " (max_num_queued_tokens=" + config.maxNumQueuedTokens()
          + "). Please retry later.", null);
    }
    return null;
  }

  /** Plans a sequence per prompt and sample (choice index = prompt × n + sample) and starts the call. */
  void start(GenerationCall call, GenerationRequest request, long arrivalNanos) {
    for (int p = 0; p < request.prompts().size(); p++) {
      for (int k = 0; k < request.n(); k++) {
        call.add(Sequence.plan(call, p * request.n() + k, k, request.prompts().get(p), request, config,
            arrivalNanos));
      }
    }
    call.start();
  }
}
