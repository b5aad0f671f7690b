package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.it.TestBed;
import io.tollgate.gpu.simulator.SimulatorStats;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routing benchmark (a program, not a test): an unequal fleet of simulators (two at full speed, one
 * at half speed) behind an in-process gateway, one run per strategy, the same shared-prefix
 * workload (Poisson arrivals at about 80 % of the fleet's capacity) for each. Prints p99 TTFT,
 * goodput and the prefix-cache hit rate of least-load and prefix-affinity against round-robin,
 * and writes a Markdown report to {@code gateway/target/routing-benchmark.md}.
 *
 * <p>Run from the repository root (the report names the command too):
 * <pre>
 * mvn -B -q -pl gpu-adapter install -DskipTests
 * mvn -B -q -f gateway/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/cp.txt) io.tollgate.gateway.route.RoutingBenchmark
 * </pre>
 */
public final class RoutingBenchmark {

  // ---- the fleet ---------------------------------------------------------------------------------
  static final int BACKENDS = 3;
  static final int MAX_NUM_SEQS = 8;
  static final double INTER_TOKEN_MS = 8;
  static final double PREFILL_MS_PER_TOKEN = 0.25;
  /** The prefix cache of one backend holds about half of the workload's prefixes. */
  static final long KV_CACHE_TOKENS = 12_288;

  // ---- the workload ------------------------------------------------------------------------------
  static final int PREFIXES = 48;
  static final int PREFIX_WORDS = 400;
  static final int OUTPUT_TOKENS = 64;
  static final double LOAD = 0.8;
  static final long WARM_UP_MS = Long.getLong("bench.warmupMs", 5_000);
  static final long MEASURE_MS = Long.getLong("bench.measureMs", 30_000);
  static final long SEED = 7;

  // ---- the SLO of goodput ------------------------------------------------------------------------
  static final double SLO_TTFT_MS = 1_000;
  static final double SLO_TPOT_MS = 50;

  record Sample(long sentNanos, double ttftMs, double e2eMs, boolean ok, String backend) {
    double tpotMs() {
      return (e2eMs - ttftMs) / (OUTPUT_TOKENS - 1);
    }
  }

  record Result(String strategy, double ratePerSecond, List<Sample> samples, double hitRate,
                Map<String, Integer> share, long measuredMs) {
    List<Sample> ok() {
      return samples.stream().filter(Sample::ok).toList();
    }

    double ttftPercentile(double p) {
      List<Double> ttfts = new ArrayList<>(ok().stream().map(Sample::ttftMs).toList());
      Collections.sort(ttfts);
      if (ttfts.isEmpty()) {
        return Double.NaN;
      }
      return ttfts.get(Math.min(ttfts.size() - 1, (int) Math.ceil(p * ttfts.size()) - 1));
    }

    double goodput() {
      long good = ok().stream().filter(s -> s.ttftMs() <= SLO_TTFT_MS && s.tpotMs() <= SLO_TPOT_MS).count();
      return good * 1_000.0 / measuredMs;
    }

    long failed() {
      return samples.size() - ok().size();
    }
  }

  public static void main(String[] args) throws Exception {
    double capacity = fleetCapacity();
    double rate = LOAD * capacity;
    System.out.printf(Locale.ROOT, "fleet: %d backends (%d at full speed, 1 at half speed), max_num_seqs %d; "
            + "capacity ≈ %.1f req/s; offered %.1f req/s (%.0f %%) for %d s after %d s warm-up%n",
        BACKENDS, BACKENDS - 1, MAX_NUM_SEQS, capacity, rate, LOAD * 100, MEASURE_MS / 1000, WARM_UP_MS / 1000);
    List<Result> results = new ArrayList<>();
    for (ModelRoute.Strategy.Kind kind : List.of(ModelRoute.Strategy.Kind.ROUND_ROBIN,
        ModelRoute.Strategy.Kind.LEAST_LOAD, ModelRoute.Strategy.Kind.PREFIX_AFFINITY)) {
      Result result = run(kind, rate);
      results.add(result);
      System.out.printf(Locale.ROOT, "%-16s p99 TTFT %7.0f ms  p50 %5.0f ms  goodput %5.2f req/s  "
              + "prefix-cache hits %5.1f %%  failed %d  share %s%n",
          result.strategy(), result.ttftPercentile(0.99), result.ttftPercentile(0.5), result.goodput(),
          result.hitRate() * 100, result.failed(), result.share());
    }
    Path report = Files.isDirectory(Path.of("gateway", "target")) ? Path.of("gateway", "target", "routing-benchmark.md")
        : Path.of("target", "routing-benchmark.md");
    Files.createDirectories(report.getParent());
    Files.writeString(report, markdown(results, capacity, rate), StandardCharsets.UTF_8);
    System.out.println("report: " + report.toAbsolutePath());
    System.exit(0);
  }

  /**
   * Requests per second the fleet completes with full batches: each backend holds
   * {@code MAX_NUM_SEQS} sequences; a full batch decodes 1.5× slower than one sequence (the
   * simulator's model), and an uncached prefill adds to each request's time.
   */
  static double fleetCapacity() {
    int promptTokens = PREFIX_WORDS + 3 + 8 + 3 + 2;
    double total = 0;
    for (int i = 1; i <= BACKENDS; i++) {
      double speed = i == BACKENDS ? 0.5 : 1.0;
      double seconds = (PREFILL_MS_PER_TOKEN * promptTokens + OUTPUT_TOKENS * INTER_TOKEN_MS * 1.5) / speed / 1_000;
      total += MAX_NUM_SEQS / seconds;
    }
    return total;
  }

  static Result run(ModelRoute.Strategy.Kind kind, double rate) throws Exception {
    TestBed bed = TestBed.builder().simulators(BACKENDS)
        .simulatorConfig(c -> c.withMaxNumSeqs(MAX_NUM_SEQS).withInterTokenMillis(INTER_TOKEN_MS)
            .withPrefillMillisPerToken(PREFILL_MS_PER_TOKEN).withKvCacheCapacityTokens(KV_CACHE_TOKENS)
            .withMaxModelLen(4_096))
        .simulator(BACKENDS, c -> c.withInterTokenMillis(INTER_TOKEN_MS * 2)
            .withPrefillMillisPerToken(PREFILL_MS_PER_TOKEN * 2))
        .timeouts(new ModelRoute.RouteTimeouts(2_000, 120_000, 60_000))
        .route(r -> r.withStrategy(ModelRoute.Strategy.of(kind)))
        .start();
    try {
      List<Sample> samples = drive(bed, rate);
      long queries = 0;
      long hits = 0;
      for (int i = 1; i <= BACKENDS; i++) {
        SimulatorStats stats = bed.sim(i).stats();
        queries += stats.prefixCacheQueries();
        hits += stats.prefixCacheHits();
      }
      long measuredFrom = samples.isEmpty() ? 0 : samples.get(0).sentNanos() + WARM_UP_MS * 1_000_000;
      List<Sample> measured = samples.stream().filter(s -> s.sentNanos() >= measuredFrom).toList();
      Map<String, Integer> share = new TreeMap<>();
      measured.forEach(s -> share.merge(String.valueOf(s.backend()), 1, Integer::sum));
      return new Result(kind.configName(), rate, measured, queries == 0 ? 0 : (double) hits / queries, share,
          MEASURE_MS);
    } finally {
      try {
        bed.close();
      } catch (AssertionError e) {
        System.out.println("warning: " + e.getMessage()); // a blocked-thread warning under load: report it, go on
      }
    }
  }

  /** Poisson arrivals from one context; the same seed gives every strategy the same requests. */
  static List<Sample> drive(TestBed bed, double rate) throws InterruptedException {
    Random random = new Random(SEED);
    String[] prefixes = new String[PREFIXES];
    for (int p = 0; p < PREFIXES; p++) {
      StringBuilder text = new StringBuilder("You are support agent " + p + ".");
      for (int w = 0; w < PREFIX_WORDS - 5; w++) {
        text.append(' ').append("policy").append(p).append('w').append(w % 50);
      }
      prefixes[p] = text.toString();
    }
    long total = (WARM_UP_MS + MEASURE_MS) * (long) rate / 1_000;
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch((int) total);
    Context context = bed.vertx.getOrCreateContext();
    AtomicInteger sent = new AtomicInteger();
    long start = System.nanoTime();
    double[] nextAtMs = {0};
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      String prefix = prefixes[random.nextInt(PREFIXES)];
      bodies.add(new JsonObject().put("model", TestBed.MODEL).put("max_tokens", OUTPUT_TOKENS).put("stream", true)
          .put("messages", new JsonArray()
              .add(new JsonObject().put("role", "system").put("content", prefix))
              .add(new JsonObject().put("role", "user").put("content", "question number " + i + " about my order")))
          .encode());
    }
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      long nowMs = (System.nanoTime() - start) / 1_000_000;
      while (sent.get() < total && nextAtMs[0] <= nowMs) {
        send(bed, bodies.get(sent.getAndIncrement()), samples, done);
        nextAtMs[0] += -Math.log(1 - random.nextDouble()) * 1_000 / rate;
      }
      if (sent.get() < total) {
        bed.vertx.setTimer(Math.max(1, (long) nextAtMs[0] - nowMs), id -> tick[0].run());
      }
    };
    context.runOnContext(v -> tick[0].run());
    if (!done.await(WARM_UP_MS + MEASURE_MS + 120_000, TimeUnit.MILLISECONDS)) {
      System.out.println("warning: " + done.getCount() + " requests did not finish");
    }
    List<Sample> sorted = new ArrayList<>(samples);
    sorted.sort((a, b) -> Long.compare(a.sentNanos(), b.sentNanos()));
    return sorted;
  }

  static void send(TestBed bed, String body, List<Sample> samples, CountDownLatch done) {
    long sentNanos = System.nanoTime();
    long[] firstToken = {-1};
    String[] backend = {null};
    Promise<Boolean> finished = Promise.promise();
    bed.client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
            .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + TestBed.SECRET))
        .compose(request -> request.send(body))
        .onFailure(finished::tryFail)
        .onSuccess(response -> {
          backend[0] = response.getHeader("x-tollgate-backend");
          if (response.statusCode() != 200) {
            response.body().onComplete(b -> finished.tryComplete(false));
            return;
          }
          response.handler(chunk -> {
            if (firstToken[0] < 0 && contains(chunk, "\"choices\":[{")) {
              firstToken[0] = System.nanoTime();
            }
          });
          response.exceptionHandler(finished::tryFail);
          response.endHandler(v -> finished.tryComplete(firstToken[0] > 0));
        });
    finished.future().onComplete(result -> {
      long end = System.nanoTime();
      boolean ok = result.succeeded() && result.result();
      samples.add(new Sample(sentNanos, ok ? (firstToken[0] - sentNanos) / 1e6 : Double.NaN,
          (end - sentNanos) / 1e6, ok, backend[0]));
      done.countDown();
    });
  }

  private static boolean contains(Buffer chunk, String text) {
    return chunk.toString(StandardCharsets.UTF_8).contains(text);
  }

  static String markdown(List<Result> results, double capacity, double rate) {
    Result baseline = results.get(0);
    StringBuilder out = new StringBuilder();
    out.append("# Routing benchmark\n\n");
    out.append(String.format(Locale.ROOT, "Fleet: %d vLLM simulators, %d at full speed (%.0f ms/token, %.2f ms/prompt "
            + "token of prefill) and 1 at half speed; max_num_seqs %d; prefix cache of %d tokens each. "
            + "Workload: %d shared system prompts of ~%d tokens, a unique question each, %d output tokens, "
            + "streamed; Poisson arrivals at %.1f req/s, %.0f %% of the fleet's full-batch capacity (%.1f req/s); "
            + "%d s measured after %d s warm-up; the same requests for every strategy, each on a fresh fleet. "
            + "Goodput: requests per second with TTFT ≤ %.0f ms and TPOT ≤ %.0f ms.%n%n",
        BACKENDS, BACKENDS - 1, INTER_TOKEN_MS, PREFILL_MS_PER_TOKEN, MAX_NUM_SEQS, KV_CACHE_TOKENS, PREFIXES,
        PREFIX_WORDS, OUTPUT_TOKENS, rate, LOAD * 100, capacity, MEASURE_MS / 1000, WARM_UP_MS / 1000,
        SLO_TTFT_MS, SLO_TPOT_MS));
    out.append("| strategy | p99 TTFT (ms) | vs round-robin | p50 TTFT (ms) | goodput (req/s) | prefix-cache hit rate "
        + "| failed | requests per backend (sim-3 is the slow one) |\n");
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Result r : results) {
      double p99 = r.ttftPercentile(0.99);
      out.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %.0f | %.2f | %.1f %% | %d | %s |%n",
          r.strategy(), p99, r == baseline ? "" : String.format(Locale.ROOT, "%+.0f %%",
              (p99 / baseline.ttftPercentile(0.99) - 1) * 100),
          r.ttftPercentile(0.5), r.goodput(), r.hitRate() * 100, r.failed(), r.share()));
    }
    out.append("\nRun: `mvn -B -q -pl gpu-adapter install -DskipTests && mvn -B -q -f gateway/pom.xml test-compile "
        + "dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test && "
        + "java -cp gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/cp.txt) "
        + "io.tollgate.gateway.route.RoutingBenchmark` (from the repository root; `-Dbench.measureMs=` to change "
        + "the measured time).\n");
    return out.toString();
  }

  private RoutingBenchmark() {
  }
}
