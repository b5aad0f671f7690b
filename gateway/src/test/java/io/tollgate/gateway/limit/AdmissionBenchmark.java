package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark program (not a test): how many admissions per second one gateway's limiter sustains
 * against one Redis (each admission a full admit + settle, both EVALSHA, every limit and a budget
 * in play), at a few numbers of admissions in flight, next to the in-process limiter; and the
 * latency of one admission. Prints a table and writes target/admission-benchmark.md.
 *
 * <pre>
 * mvn -B -q -f gateway/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/cp.txt) io.tollgate.gateway.limit.AdmissionBenchmark
 * </pre>
 */
public final class AdmissionBenchmark {

  private static final long SECONDS = 8;
  private static final int KEYS = 1_000;
  private static final LimitSpec GENEROUS = new LimitSpec(1_000_000_000L, 1_000_000_000L, 100_000);
  private static final BudgetSpec BUDGET = new BudgetSpec(1_000_000, BudgetSpec.Period.MONTH);

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    String prefix = LocalRedis.newPrefix();
    RedisSettings settings = LocalRedis.settings(LocalRedis.URL, prefix, RedisSettings.FailPolicy.CLOSED, 1)
        .withTimeoutMs(5_000);
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.url())
        .setMaxPoolSize(32).setMaxPoolWaiting(100_000).setMaxWaitingHandlers(100_000));
    RedisLimiter redisLimiter = new RedisLimiter(vertx, redis, settings);
    redisLimiter.warmUp(16).toCompletionStage().toCompletableFuture().get();
    LocalLimiter localLimiter = new LocalLimiter();

    StringBuilder report = new StringBuilder("| limiter | in flight | admissions/s | p50 µs | p99 µs |\n|---|---:|---:|---:|---:|\n");
    System.out.printf("%-10s %9s %14s %9s %9s%n", "limiter", "in flight", "admissions/s", "p50 µs", "p99 µs");
    for (int inFlight : new int[] {1, 16, 64, 256}) {
      for (String name : new String[] {"local", "redis"}) {
        Limiter limiter = name.equals("redis") ? redisLimiter : localLimiter;
        run(vertx, limiter, inFlight, 2); // warm-up
        Result result = run(vertx, limiter, inFlight, SECONDS);
        String row = String.format("| %s | %d | %,.0f | %.0f | %.0f |", name, inFlight, result.perSecond(),
            result.p50Micros(), result.p99Micros());
        report.append(row).append('\n');
        System.out.printf("%-10s %9d %,14.0f %9.0f %9.0f%n", name, inFlight, result.perSecond(),
            result.p50Micros(), result.p99Micros());
      }
    }
    if (redisLimiter.fallbackDecisions() > 0) {
      System.out.println("WARNING: " + redisLimiter.fallbackDecisions() + " decisions fell back: Redis timed out");
    }
    Path out = Path.of("gateway/target/admission-benchmark.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "# Admission benchmark\n\nEach admission: admit + settle (two EVALSHA in platform mode), "
        + KEYS + " keys in 10 orgs, RPM, TPM, streams and a key budget in play; " + SECONDS + " s per row; "
        + Runtime.getRuntime().availableProcessors() + " cores, Redis on localhost.\n\n" + report);
    System.out.println("report: " + out.toAbsolutePath());
    LocalRedis.connect(vertx, prefix).cleanUp();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private record Result(double perSecond, double p50Micros, double p99Micros) {
  }

  /** Keeps {@code inFlight} admit+settle pairs running for the duration, from one event loop. */
  private static Result run(Vertx vertx, Limiter limiter, int inFlight, long seconds) throws Exception {
    long[] latencies = new long[4_000_000];
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Promise<Void> finished = Promise.promise();
    AtomicLong running = new AtomicLong(inFlight);
    vertx.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        loop(limiter, i, end, latencies, done, running, finished);
      }
    });
    long start = System.nanoTime();
    finished.future().toCompletionStage().toCompletableFuture().get(seconds + 60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    int count = (int) Math.min(done.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    return new Result(done.get() / elapsed, sorted[count / 2] / 1e3, sorted[(int) (count * 0.99)] / 1e3);
  }

  private static void loop(Limiter limiter, int worker, long end, long[] latencies, AtomicLong done,
                           AtomicLong running, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        finished.tryComplete();
      }
      return;
    }
    long n = done.get() + worker;
    String key = "key-" + (n % KEYS);
    AdmissionRequest request = new AdmissionRequest(key, "org-" + (n % 10), GENEROUS, LimitSpec.UNLIMITED, 300, 500,
        BUDGET, null);
    long start = System.nanoTime();
    limiter.admit(request)
        .compose(admission -> admission.admitted()
            ? Limiter.settleWithOwner(admission.reservation(), 250, 400)
            : Future.failedFuture("refused: " + admission.error().message()))
        .onComplete(result -> {
          if (result.failed()) {
            finished.tryFail(result.cause());
            return;
          }
          long index = done.getAndIncrement();
          if (index < latencies.length) {
            latencies[(int) index] = System.nanoTime() - start;
          }
          // Through the event loop's queue: the in-process limiter completes at once, and a direct
          // call would recurse until the stack overflows.
          io.vertx.core.Vertx.currentContext().runOnContext(v -> loop(limiter, worker, end, latencies, done, running,
              finished));
        });
  }
}
