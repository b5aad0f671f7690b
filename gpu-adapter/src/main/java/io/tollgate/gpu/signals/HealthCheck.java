package io.tollgate.gpu.signals;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** One GET of a backend's {@code /health}: vLLM answers 200 while its engine is alive, 503 when not. */
public final class HealthCheck {

  private HealthCheck() {
  }

  /** True on a 2xx within the timeout; false on any other status, error or timeout (never fails). */
  public static Future<Boolean> run(HttpClient client, SignalTarget target, long timeoutMillis) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.uri("/health"))
        .setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis);
    return client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode() / 100 == 2))
        .otherwise(false);
  }
}
