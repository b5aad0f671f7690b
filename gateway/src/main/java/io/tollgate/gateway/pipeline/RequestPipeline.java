package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.GatewayServices;
import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.config.OrgSpec;
import io.tollgate.gateway.http.ApiError;
import io.tollgate.gateway.http.BoundedBody;
import io.tollgate.gateway.http.DataPlaneVerticle;
import io.tollgate.gateway.http.Ids;
import io.tollgate.gateway.limit.Admission;
import io.tollgate.gateway.limit.AdmissionRequest;
import io.tollgate.gateway.logging.AccessLog;
import io.tollgate.gateway.stream.ProxyExchange;
import io.tollgate.gateway.stream.StreamWatchdog;
import io.tollgate.gateway.trace.RequestSpan;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/**
 * The request path, one stage per line: read → authenticate → parse → route check → admit →
 * proxy (route, stream, account). Each stage may end the request early with an OpenAI-style error.
 * The config snapshot is taken once, at the start, and the request keeps it to the end.
 *
 * <p>Authentication runs before the body is parsed, so an unauthenticated caller costs no JSON
 * parsing (see docs/adr/0002-authenticate-before-parse.md).
 */
public final class RequestPipeline {

  private final GatewayServices services;
  private final HttpClient client;
  private final StreamWatchdog watchdog;

  public RequestPipeline(GatewayServices services, HttpClient client, StreamWatchdog watchdog) {
    this.services = services;
    this.client = client;
    this.watchdog = watchdog;
  }

  public void handle(HttpServerRequest request, Endpoint endpoint) {
    long startNanos = System.nanoTime();
    String requestId = Ids.requestId(request.getHeader("x-request-id"));
    ConfigSnapshot snapshot = services.snapshots().get();
    RequestSpan span = services.tracer().start(request, endpoint);
    span.requestId(requestId);
    request.response().putHeader("x-request-id", requestId);
    BoundedBody.read(request, services.settings().maxBodyBytes())
        .onSuccess(body -> afterBody(request, endpoint, body, requestId, startNanos, snapshot, span))
        .onFailure(cause -> {
          if (cause instanceof BoundedBody.TooLarge tooLarge) {
            // Do not read the rest of an oversized body: answer and close the connection.
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            reject(request, endpoint, null, ApiError.bodyTooLarge(tooLarge.limit()), span);
          } else {
            reject(request, endpoint, null, ApiError.invalidRequest(
                "Could not read the request body: " + cause.getMessage(), null, "invalid_body"), span);
          }
        });
  }

  private void afterBody(HttpServerRequest request, Endpoint endpoint, Buffer body, String requestId,
                         long startNanos, ConfigSnapshot snapshot, RequestSpan span) {
    authenticate(request, snapshot).onSuccess(auth -> {
      if (auth.error() != null) {
        reject(request, endpoint, null, auth.error(), span);
      } else {
        span.key(auth.key().id(), auth.key().org());
        span.event("authenticated");
        afterAuthentication(request, endpoint, body, requestId, startNanos, snapshot, auth.key(), span);
      }
    });
  }

  private void afterAuthentication(HttpServerRequest request, Endpoint endpoint, Buffer body, String requestId,
                                   long startNanos, ConfigSnapshot snapshot, ApiKeySpec key, RequestSpan span) {
    RequestParser.Parsed parsed = RequestParser.parse(endpoint, body);
    if (parsed.error() != null) {
      reject(request, endpoint, null, parsed.error(), span);
      return;
    }
    CompletionRequest completion = parsed.request();
    span.model(completion.model(), completion.stream(), completion.maxTokens());
    ModelRoute route = snapshot.models().get(completion.model());
    if (route == null) {
      reject(request, endpoint, "other", ApiError.unknownModel(completion.model()), span);
      return;
    }
    if (!key.allows(completion.model())) {
      reject(request, endpoint, completion.model(), ApiError.modelNotAllowed(completion.model()), span);
      return;
    }
    long completionTokens = endpoint.generates()
        ? (completion.maxTokens() > 0 ? completion.maxTokens() : snapshot.defaultMaxTokens())
        : 0;
    OrgSpec org = snapshot.org(key.org());
    AdmissionRequest admission = new AdmissionRequest(key.id(), key.org(), key.limits(), org.limits(),
        completion.promptTokenEstimate() + completionTokens,
        route.prices().costMicros(completion.promptTokenEstimate(), completionTokens),
        key.budget(), org.budget());
    long admitStart = System.nanoTime();
    services.limiter().admit(admission)
        .onFailure(cause -> reject(request, endpoint, completion.model(), ApiError.internal("admission failed"), span))
        .onSuccess(decision -> {
          if ("redis".equals(decision.decidedBy())) {
            services.metrics().redisAdmissionTime(System.nanoTime() - admitStart);
          }
          services.metrics().admission(decision.admitted() ? "admitted" : decision.error().code(), decision.decidedBy());
          if (!decision.admitted()) {
            refuse(request, decision);
            services.metrics().requestRejected(completion.model(), endpoint.path(), decision.error().status(),
                decision.error().code());
            span.end(decision.error().status(), decision.error().code(), null, 0, 0);
            accessLog(request, endpoint, completion.model(), key, decision.error(), span);
            return;
          }
          span.event("admitted");
          services.lifecycle().requestStarted();
          new ProxyExchange(services, client, watchdog, request, requestId, startNanos, snapshot,
              route, key, decision, completion, span).start();
        });
  }

  /** Ends a request before it reaches a backend, counted in the request metrics. */
  private void reject(HttpServerRequest request, Endpoint endpoint, String model, ApiError error, RequestSpan span) {
    services.metrics().requestRejected(model, endpoint.path(), error.status(), error.code());
    span.end(error.status(), error.code(), null, 0, 0);
    accessLog(request, endpoint, model, null, error, span);
    DataPlaneVerticle.reply(request, error);
  }

  private static void accessLog(HttpServerRequest request, Endpoint endpoint, String model, ApiKeySpec key,
                                ApiError error, RequestSpan span) {
    AccessLog.request(new JsonObject()
        .put("request_id", request.response().headers().get("x-request-id"))
        .put("trace_id", span.traceId())
        .put("key_id", key == null ? null : key.id())
        .put("org_id", key == null ? null : key.org())
        .put("endpoint", endpoint.path())
        .put("model", model)
        .put("status", error.status())
        .put("error_kind", error.code()));
  }

  private Future<Authenticator.Result> authenticate(HttpServerRequest request, ConfigSnapshot snapshot) {
    return services.authenticator().authenticate(
        request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader("api-key"), snapshot);
  }

  private static void refuse(HttpServerRequest request, Admission admission) {
    admission.headers().writeTo(request.response().headers());
    if (admission.retryAfterMillis() >= 0) {
      long millis = admission.retryAfterMillis();
      request.response().putHeader("retry-after", Long.toString(Math.max(1, (millis + 999) / 1000)));
      request.response().putHeader("retry-after-ms", Long.toString(millis));
    }
    DataPlaneVerticle.reply(request, admission.error());
  }

  /** GET /v1/models: the models this gateway routes that the caller's key may use. */
  public void listModels(HttpServerRequest request) {
    ConfigSnapshot snapshot = services.snapshots().get();
    authenticate(request, snapshot).onSuccess(auth -> {
      if (auth.error() != null) {
        DataPlaneVerticle.reply(request, auth.error());
        return;
      }
      JsonArray data = new JsonArray();
      Map<String, ModelRoute> sorted = new TreeMap<>(snapshot.models());
      for (ModelRoute route : sorted.values()) {
        if (auth.key().allows(route.name())) {
          data.add(new JsonObject()
              .put("id", route.name())
              .put("object", "model")
              .put("created", 0)
              .put("owned_by", "tollgate"));
        }
      }
      request.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("object", "list").put("data", data).toBuffer());
    });
  }
}
