package io.tollgate.analytics.e2e;

import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.usage.UsageEvent;
import io.tollgate.gateway.usage.UsageSink;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's time to first token with usage emission to RabbitMQ on, against a gateway whose
 * sink drops events (emission off), interleaved request by request so both see the same machine
 * load. A program, not a test (run as docs/analytics.md shows for the consumer benchmark; argument:
 * requests per side).
 */
public final class EmissionTtftBenchmark {

  private EmissionTtftBenchmark() {
  }

  /** Emission off: the event is dropped where it is handed over. */
  private static final class DiscardingSink implements UsageSink {
    @Override
    public void emit(UsageEvent event) {
    }

    @Override
    public Future<Void> flush() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int concurrency = 8;
    Path dir = Files.createTempDirectory("tollgate-ttft");
    try (TestBroker broker = TestBroker.create()) {
      GuardedVertx guarded = GuardedVertx.create();
      try (GatewayBed on = GatewayBed.start(guarded, Services.RABBITMQ_URL, broker.settings, dir)) {
        // The second gateway shares the first one's simulators and config, with emission off.
        Gateway off = GatewayBed.await(Gateway.start(on.vertx, on.gateway.services().settings(), on.gateway.config(),
            new DiscardingSink()));
        HttpClient onClient = client(on, on.gateway.port());
        HttpClient offClient = client(on, off.port());
        Histogram withEmission = new Histogram(60_000_000L, 3);
        Histogram withoutEmission = new Histogram(60_000_000L, 3);
        for (int round = 0; round < 2; round++) { // round 0 warms up
          withEmission.reset();
          withoutEmission.reset();
          for (int sent = 0; sent < requests; sent += concurrency) {
            HttpClient first = (sent / concurrency) % 2 == 0 ? onClient : offClient;
            Histogram firstHistogram = first == onClient ? withEmission : withoutEmission;
            measure(on, first, concurrency, firstHistogram);
            measure(on, first == onClient ? offClient : onClient, concurrency,
                first == onClient ? withoutEmission : withEmission);
          }
        }
        GatewayBed.await(on.usage.flush());
        System.out.printf("TTFT µs (%d streams each, %d concurrent), emission on:  p50 %d, p95 %d, p99 %d%n", requests,
            concurrency, withEmission.getValueAtPercentile(50), withEmission.getValueAtPercentile(95),
            withEmission.getValueAtPercentile(99));
        System.out.printf("TTFT µs (%d streams each, %d concurrent), emission off: p50 %d, p95 %d, p99 %d%n", requests,
            concurrency, withoutEmission.getValueAtPercentile(50), withoutEmission.getValueAtPercentile(95),
            withoutEmission.getValueAtPercentile(99));
        System.out.println("usage sink: " + on.usage.metrics());
        GatewayBed.await(off.shutdown(1_000));
      }
    }
  }

  private static HttpClient client(GatewayBed bed, int port) {
    return bed.vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(32));
  }

  /** {@code count} streams at once; records the time from sending to the first body bytes. */
  private static void measure(GatewayBed bed, HttpClient client, int count, Histogram histogram) throws Exception {
    List<Long> ttfts = bed.onContext(() -> {
      List<Future<Long>> streams = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
            .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + GatewayBed.SECRET);
        long start = System.nanoTime();
        streams.add(client.request(options).compose(request -> request.send(GatewayBed.chat(8, true))
            .compose(response -> {
              Promise<Long> first = Promise.promise();
              response.handler(chunk -> first.tryComplete((System.nanoTime() - start) / 1_000));
              return response.end().compose(v -> first.future());
            })));
      }
      return Future.all(streams).map(all -> all.<Long>list());
    });
    ttfts.forEach(histogram::recordValue);
  }
}
