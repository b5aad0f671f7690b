package io.tollgate.gpu.simulator;

import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one simulated vLLM server as a process:
 * {@code java -jar tollgate-simulator.jar --port 8000 --model demo-llama}. SIGTERM/SIGINT close it cleanly.
 */
@Command(name = "tollgate-simulator", mixinStandardHelpOptions = true, version = "tollgate-simulator (vLLM "
    + ServerInfoHandler.VERSION + ")", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "A vLLM-compatible GPU server simulator.",
        "OpenAI API: /v1/chat/completions, /v1/completions, /v1/responses (+ GET/cancel by id), /v1/embeddings,",
        "  /v1/models, /v1/audio/transcriptions, /v1/audio/translations.",
        "Anthropic API: /v1/messages, /v1/messages/count_tokens.",
        "Pooling: /v1/rerank, /v2/rerank, /rerank, /score, /v1/score.",
        "vLLM: /metrics (v1 names), /health, /ping, /version, /load, /tokenize, /detokenize.",
        "Control: GET /sim/stats; GET|POST /sim/faults (JSON of the fault options below).",
        ""})
public final class SimulatorMain implements Callable<Integer> {

  private static final SimulatorConfig DEFAULTS = SimulatorConfig.defaults();
  private static final SimulatorFaults NO_FAULTS = SimulatorFaults.none();

  @Option(names = "--host", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
  String host = DEFAULTS.host();

  @Option(names = "--port", description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 8000;

  @Option(names = {"--model", "--served-model-name"}, split = ",", paramLabel = "NAME",
      description = "Served model name; repeat or comma-separate for several (default: ${DEFAULT-VALUE}).")
  List<String> models = DEFAULTS.models();

  @Option(names = "--max-model-len", description = "Context window in tokens (default: ${DEFAULT-VALUE}).")
  int maxModelLen = DEFAULTS.maxModelLen();

  @Option(names = "--prefill-ms-per-token",
      description = "Prefill time per uncached prompt token, ms (default: ${DEFAULT-VALUE}).")
  double prefillMillisPerToken = DEFAULTS.prefillMillisPerToken();

  @Option(names = "--inter-token-ms", description = "Time between tokens of one sequence, ms (default: "
      + "${DEFAULT-VALUE}); grows up to 1.5x as the batch fills.")
  double interTokenMillis = DEFAULTS.interTokenMillis();

  @Option(names = "--max-num-seqs", description = "Sequences decoded at once; more queue (default: "
      + "${DEFAULT-VALUE}).")
  int maxNumSeqs = DEFAULTS.maxNumSeqs();

  @Option(names = "--kv-cache-tokens", description = "KV cache capacity in tokens (default: ${DEFAULT-VALUE}).")
  long kvCacheCapacityTokens = DEFAULTS.kvCacheCapacityTokens();

  @Option(names = "--prefix-caching", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Prefix caching; --no-prefix-caching turns it off (default: ${DEFAULT-VALUE}).")
  boolean prefixCaching = DEFAULTS.prefixCaching();

  @Option(names = "--seed", description = "Seed of output text and fault draws (default: ${DEFAULT-VALUE}).")
  long seed = DEFAULTS.seed();

  @Option(names = "--default-max-tokens", description = "Requests without max tokens stop after a "
      + "deterministic length in [1, this] (default: ${DEFAULT-VALUE}).")
  int defaultMaxTokens = DEFAULTS.defaultMaxTokens();

  @Option(names = "--embedding-dimensions", description = "Length of embedding vectors (default: "
      + "${DEFAULT-VALUE}).")
  int embeddingDimensions = DEFAULTS.embeddingDimensions();

  @Option(names = "--pooling-model", split = ",", paramLabel = "NAME",
      description = "Also serve NAME as a pooling model (embeddings, rerank, score; no generation); repeat or "
          + "comma-separate. --model none serves no generation model.")
  List<String> poolingModels = DEFAULTS.poolingModels();

  @Option(names = "--transcription-model", split = ",", paramLabel = "NAME",
      description = "Also serve NAME as a speech-to-text model (/v1/audio/transcriptions, /translations only).")
  List<String> transcriptionModels = DEFAULTS.transcriptionModels();

  @Option(names = "--max-num-queued-reqs", description = "vLLM admission control: with the batch full, 503 "
      + "when this many requests wait; 0 off (default: ${DEFAULT-VALUE}).")
  int maxNumQueuedReqs = DEFAULTS.maxNumQueuedReqs();

  @Option(names = "--max-num-queued-tokens", description = "vLLM admission control: with the batch full, 503 "
      + "when waiting prompt tokens would exceed this; 0 off (default: ${DEFAULT-VALUE}).")
  long maxNumQueuedTokens = DEFAULTS.maxNumQueuedTokens();

  @Option(names = "--responses-store", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Keep Responses in memory (VLLM_ENABLE_RESPONSES_API_STORE=1): GET, cancel, "
          + "previous_response_id, background (default: ${DEFAULT-VALUE}).")
  boolean responsesStore = DEFAULTS.responsesStore();

  @Option(names = "--api-key", description = "Require Authorization: Bearer KEY, as vLLM --api-key (default: "
      + "none).")
  String apiKey = DEFAULTS.apiKey();

  @Option(names = "--ssl-certfile", description = "Serve HTTPS with this certificate chain (PEM), as vLLM "
      + "(default: plain HTTP).")
  String sslCertFile;

  @Option(names = "--ssl-keyfile", description = "The private key (PEM) of --ssl-certfile, as vLLM.")
  String sslKeyFile;

  @Option(names = "--responses-failed-event", description = "A failed Responses stream ends with a "
      + "response.failed event (vLLM PRs #40418/#38190) instead of a cut connection (default: ${DEFAULT-VALUE}).")
  boolean responsesFailedEvent = DEFAULTS.responsesFailedEvent();

  @Option(names = "--error-rate", description = "Fault: fraction of requests answered --error-status "
      + "(default: ${DEFAULT-VALUE}).")
  double errorRate = NO_FAULTS.errorRate();

  @Option(names = "--error-status", description = "Fault: HTTP status of injected errors (default: "
      + "${DEFAULT-VALUE}).")
  int errorStatus = NO_FAULTS.errorStatus();

  @Option(names = "--stall-before-first-token-ms", description = "Fault: extra wait before the first token "
      + "(default: ${DEFAULT-VALUE}).")
  long stallBeforeFirstTokenMillis = NO_FAULTS.stallBeforeFirstTokenMillis();

  @Option(names = "--fail-after-tokens", description = "Fault: after N tokens send an error event and end; "
      + "-1 off (default: ${DEFAULT-VALUE}).")
  int failAfterTokens = NO_FAULTS.failAfterTokens();

  @Option(names = "--stall-after-tokens", description = "Fault: after N tokens send nothing more; -1 off "
      + "(default: ${DEFAULT-VALUE}).")
  int stallAfterTokens = NO_FAULTS.stallAfterTokens();

  @Option(names = "--extra-token-delay-ms", description = "Fault: added to every inter-token gap, ms "
      + "(default: ${DEFAULT-VALUE}).")
  double extraTokenDelayMillis = NO_FAULTS.extraTokenDelayMillis();

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    int exit = new CommandLine(new SimulatorMain()).execute(args);
    System.exit(exit);
  }

  SimulatorConfig config() {
    List<String> generation = models.equals(List.of("none")) ? List.of() : models;
    return new SimulatorConfig(host, port, generation, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions,
        poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent,
        sslCertFile, sslKeyFile);
  }

  SimulatorFaults faults() {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  /** Parses arguments into a configured (not started) command; for tests and embedding. */
  static SimulatorMain parse(String... args) {
    SimulatorMain main = new SimulatorMain();
    new CommandLine(main).parseArgs(args);
    return main;
  }

  @Override
  public Integer call() throws Exception {
    SimulatorConfig config;
    SimulatorFaults faults;
    try {
      config = config();
      faults = faults();
    } catch (IllegalArgumentException e) {
      System.err.println("Invalid option: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    VllmSimulator simulator;
    try {
      simulator = VllmSimulator.start(vertx, config).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("Could not start the simulator on " + config.host() + ":" + config.port() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      vertx.close();
      return 1;
    }
    simulator.faults(faults);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      } finally {
        stopped.countDown();
      }
    }, "simulator-shutdown"));
    PrintWriter out = new PrintWriter(System.out, true);
    out.println("vLLM simulator listening on " + simulator.baseUrl() + " serving " + String.join(", ",
        config.allModels()));
    stopped.await();
    out.println("vLLM simulator stopped");
    return 0;
  }
}
