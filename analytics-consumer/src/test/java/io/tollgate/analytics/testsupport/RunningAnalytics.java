package io.tollgate.analytics.testsupport;

import io.tollgate.analytics.AnalyticsService;
import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.config.ApiSettings;
import io.tollgate.analytics.config.BrokerSettings;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** An analytics service in-process on a guarded Vert.x, with an HTTP client for its API. */
public final class RunningAnalytics implements AutoCloseable {

  public static final String TOKEN = "test-analytics-token";

  public final GuardedVertx guarded;
  public final Vertx vertx;
  public final AnalyticsService service;
  private final HttpClient client;
  private final Context context;

  private RunningAnalytics(GuardedVertx guarded, AnalyticsService service) {
    this.guarded = guarded;
    this.vertx = guarded.vertx();
    this.service = service;
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(service.apiPort()));
    this.context = vertx.getOrCreateContext();
  }

  public static AnalyticsSettings settings(TestStore store, BrokerSettings broker) {
    return new AnalyticsSettings(broker, store.settings(), new ApiSettings("127.0.0.1", 0, TOKEN));
  }

  public static RunningAnalytics start(AnalyticsSettings settings) throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    try {
      AnalyticsService service = await(AnalyticsService.start(guarded.vertx(), settings));
      return new RunningAnalytics(guarded, service);
    } catch (Exception e) {
      guarded.vertx().close();
      throw e;
    }
  }

  /** Waits until the consumer holds a session on the broker. */
  public RunningAnalytics awaitConsuming() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!service.consuming()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the consumer did not connect to RabbitMQ");
      }
      Thread.sleep(10);
    }
    return this;
  }

  public record Reply(int status, String contentType, Buffer body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  public Reply get(String uri) throws Exception {
    return get(uri, TOKEN);
  }

  /**
   * Issued from a Vert.x context, and the body asked for in the callback that delivers the
   * response, so no chunk can be lost (eclipse-vertx/vert.x#5904).
   */
  public Reply get(String uri, String token) throws Exception {
    return call(HttpMethod.GET, uri, token);
  }

  /** Any method, without a body. */
  public Reply call(HttpMethod method, String uri, String token) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    if (token != null) {
      options.putHeader("authorization", "Bearer " + token);
    }
    return onContext(() -> client.request(options).compose(request -> request.send()
        .compose(response -> response.body().map(body ->
            new Reply(response.statusCode(), response.getHeader("content-type"), body)))));
  }

  private <T> T onContext(Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return await(promise.future());
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      await(service.stop());
      await(client.close());
    } finally {
      guarded.closeAndAssert();
    }
  }
}
