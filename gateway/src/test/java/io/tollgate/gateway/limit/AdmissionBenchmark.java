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
 * against one Redis, at a few numbers of admissions in flight, next to the in-process limiter; and
 * the latency of one admission, the Redis commands and Redis CPU per admission. Each admission is a
 * full admit + settle with RPM, TPM and streams in play: per request ("redis": two EVALSHA each),
 * through leases ("leased", ADR 15) over 1,000 keys and over 10 busy keys, and per request with a
 * key budget ("redis+budget", the path budgets keep). Rows of one in-flight count run one after
 * another, interleaved. Prints a table and writes target/admission-benchmark.md.
 *
 * <pre>
 * mvn -B -q -f gateway/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/cp.txt) io.tollgate.gateway.limit.AdmissionBenchmark
 * </pre>
 */
public final class AdmissionBenchmark {

  private static final long SECONDS = 8;
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
    LeasedLimiter leased = new LeasedLimiter(vertx, redis, settings, redisLimiter);
    leased.start().toCompletionStage().toCompletableFuture().get();
    LocalLimiter localLimiter = new LocalLimiter();

    StringBuilder report = new StringBuilder("| limiter | keys | in flight | admissions/s | p50 µs | p99 µs |"
        + " Redis commands per admission | Redis CPU µs per admission |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    System.out.printf("%-13s %5s %9s %14s %9s %9s %10s %10s%n", "limiter", "keys", "in flight", "admissions/s",
        "p50 µs", "p99 µs", "cmds/adm", "Redis µs");
    String[][] rows = {{"local", "1000"}, {"redis", "1000"}, {"leased", "1000"}, {"leased", "10"},
        {"redis+budget", "1000"}};
    for (int inFlight : new int[] {1, 16, 64, 256}) {
      for (String[] row : rows) {
        Limiter limiter = switch (row[0]) {
          case "local" -> localLimiter;
          case "leased" -> leased;
          default -> redisLimiter;
        };
        int keys = Integer.parseInt(row[1]);
        boolean budget = row[0].endsWith("budget");
        run(vertx, limiter, inFlight, 2, keys, budget); // warm-up
        RedisStats before = RedisStats.read(redis);
        Result result = run(vertx, limiter, inFlight, SECONDS, keys, budget);
        RedisStats after = RedisStats.read(redis);
        double commands = (after.commands() - before.commands()) / (double) result.admissions();
        double cpuMicros = (after.cpuMicros() - before.cpuMicros()) / (double) result.admissions();
        report.append(String.format("| %s | %d | %d | %,.0f | %.0f | %.0f | %.2f | %.1f |%n", row[0], keys, inFlight,
            result.perSecond(), result.p50Micros(), result.p99Micros(), commands, cpuMicros));
        System.out.printf("%-13s %5d %9d %,14.0f %9.0f %9.0f %10.2f %10.1f%n", row[0], keys, inFlight,
            result.perSecond(), result.p50Micros(), result.p99Micros(), commands, cpuMicros);
      }
    }
    leased.close().toCompletionStage().toCompletableFuture().get();
    if (redisLimiter.fallbackDecisions() > 0) {
      System.out.println("WARNING: " + redisLimiter.fallbackDecisions() + " decisions fell back: Redis timed out");
    }
    Path out = Path.of("gateway/target/admission-benchmark.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "# Admission benchmark\n\nEach admission: admit + settle, keys in 10 orgs, RPM, TPM and"
        + " streams in play (and a key budget on redis+budget rows); " + SECONDS + " s per row; "
        + Runtime.getRuntime().availableProcessors() + " cores, Redis on localhost. Redis commands and CPU from its"
        + " INFO (every client's, so run it alone; commands count the scripts' own calls, as total_commands_processed"
        + " does).\n\n" + report);
    System.out.println("report: " + out.toAbsolutePath());
    LocalRedis.connect(vertx, prefix).cleanUp();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private record Result(double perSecond, double p50Micros, double p99Micros, long admissions) {
  }

  /** Redis's own counters: commands processed and CPU used (user + system), from INFO. */
  private record RedisStats(long commands, long cpuMicros) {
    static RedisStats read(Redis redis) throws Exception {
      String info = redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.INFO).arg("all"))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).toString();
      long commands = 0;
      double cpu = 0;
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("total_commands_processed:")) {
          commands = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        } else if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
          cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return new RedisStats(commands, (long) (cpu * 1_000_000));
    }
  }

  /** Keeps {@code inFlight} admit+settle pairs running for the duration, from one event loop. */
  private static Result run(Vertx vertx, Limiter limiter, int inFlight, long seconds, int keys, boolean budget)
      throws Exception {
    long[] latencies = new long[4_000_000];
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Promise<Void> finished = Promise.promise();
    AtomicLong running = new AtomicLong(inFlight);
    vertx.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        loop(limiter, i, end, latencies, done, running, finished, keys, budget);
      }
    });
    long start = System.nanoTime();
    finished.future().toCompletionStage().toCompletableFuture().get(seconds + 60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    int count = (int) Math.min(done.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    return new Result(done.get() / elapsed, sorted[count / 2] / 1e3, sorted[(int) (count * 0.99)] / 1e3, done.get());
  }

  private static void loop(Limiter limiter, int worker, long end, long[] latencies, AtomicLong done,
                           AtomicLong running, Promise<Void> finished, int keys, boolean budget) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        finished.tryComplete();
      }
      return;
    }
    long n = done.get() + worker;
    String key = "key-" + (n % keys);
    AdmissionRequest request = new AdmissionRequest(key, "org-" + (n % keys % 10), GENEROUS, LimitSpec.UNLIMITED, 300,
        500, budget ? BUDGET : null, null);
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
              finished, keys, budget));
        });
  }
}
