package io.tollgate.gpu.signals;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.TimeoutException;

/**
 * One GET of a backend's {@code /metrics}, parsed as the body streams in (no copy of the page is
 * kept), bounded in time and size. Call from a Vert.x context.
 */
public final class MetricsScrape {

  private MetricsScrape() {
  }

  public static Future<ScrapedMetrics> run(Vertx vertx, HttpClient client, SignalTarget target,
                                           long timeoutMillis, long maxBodyBytes) {
    Promise<ScrapedMetrics> promise = Promise.promise();
    VllmMetrics metrics = new VllmMetrics();
    PrometheusTextParser parser = new PrometheusTextParser(metrics);
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long timer = vertx.setTimer(timeoutMillis, id -> {
      if (promise.tryFail(new TimeoutException("no complete /metrics page within " + timeoutMillis + " ms"))
          && sent[0] != null) {
        sent[0].reset();
      }
    });
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.uri("/metrics"))
        .setConnectTimeout(timeoutMillis)
        .putHeader(HttpHeaders.ACCEPT, "text/plain");
    client.request(options)
        .compose(request -> {
          sent[0] = request;
          return request.send();
        })
        .onFailure(promise::tryFail)
        .onSuccess(response -> {
          if (response.statusCode() != 200) {
            promise.tryFail("/metrics answered " + response.statusCode());
            response.request().reset();
            return;
          }
          response.handler(chunk -> {
            parser.feed(chunk);
            if (parser.bytes() > maxBodyBytes && promise.tryFail("/metrics page over " + maxBodyBytes + " bytes")) {
              response.request().reset();
            }
          });
          response.exceptionHandler(promise::tryFail);
          response.endHandler(v -> {
            parser.end();
            ScrapedMetrics result = metrics.result();
            if (result.hasLoad()) {
              promise.tryComplete(result);
            } else {
              promise.tryFail("/metrics has no vllm:num_requests_running / vllm:num_requests_waiting");
            }
          });
        });
    return promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }
}
