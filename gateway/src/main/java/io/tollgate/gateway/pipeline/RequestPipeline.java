package io.tollgate.gateway.pipeline;

import io.tollgate.frontdoor.FrontDoor;
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
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/**
 * The request path, one stage per line: authenticate → read → parse → route check → admit →
 * proxy (route, stream, account). Each stage may end the request early with an OpenAI-style error.
 * The config snapshot is taken once, at the start, and the request keeps it to the end.
 *
 * <p>Authentication runs from the headers before the body is read, so a caller without a valid key
 * costs neither a body buffer nor JSON parsing (docs/adr/0002-authenticate-before-parse.md).
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
    Early early = new Early(request, endpoint, System.nanoTime(), Ids.requestId(request.getHeader("x-request-id")),
        services.snapshots().get(), services.tracer().start(request, endpoint));
    early.span.requestId(early.requestId);
    request.response().putHeader("x-request-id", early.requestId);
    // The body stays in the socket until the key is known: a caller without one costs no buffer.
    request.pause();
    authenticate(request, early.snapshot).onSuccess(auth -> {
      if (auth.error() != null) {
        // Its body was never read: close rather than read on what an unknown caller sends.
        early.closeAfterReply = true;
        reject(early, auth.error());
        return;
      }
      early.key = auth.key();
      early.span.key(auth.key().id(), auth.key().org());
      early.span.event("authenticated");
      String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
      if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
        // Not decompressed here (a small gzip body can inflate past any limit); say so instead of
        // failing on its bytes as JSON.
        early.closeAfterReply = true;
        reject(early, ApiError.unsupportedEncoding(encoding));
        return;
      }
      if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
        request.response().writeContinue();
      }
      readBody(early);
    });
  }

  private void readBody(Early early) {
    BoundedBody.read(early.request, services.settings().maxBodyBytes())
        .onSuccess(body -> afterAuthentication(early, body))
        .onFailure(cause -> {
          if (cause instanceof BoundedBody.TooLarge tooLarge) {
            // Do not read the rest of an oversized body: answer and close the connection.
            early.closeAfterReply = true;
            reject(early, ApiError.bodyTooLarge(tooLarge.limit()));
          } else if (cause instanceof HttpClosedException) {
            // The front door cut it at the body deadline (and answered 408), or the client left.
            reject(early, FrontDoor.bodyTimedOut(early.request)
                ? ApiError.bodyTimeout(services.settings().frontDoor().bodyTimeoutMs()) : ApiError.clientClosed());
          } else {
            reject(early, ApiError.invalidRequest("Could not read the request body: " + cause.getMessage(), null,
                "invalid_body"));
          }
        });
  }

  private void afterAuthentication(Early early, Buffer body) {
    RequestParser.Parsed parsed = RequestParser.parse(early.endpoint, body);
    if (parsed.error() != null) {
      reject(early, parsed.error());
      return;
    }
    CompletionRequest completion = parsed.request();
    early.completion = completion;
    early.span.model(completion.model(), completion.stream(), completion.maxTokens());
    ModelRoute route = early.snapshot.models().get(completion.model());
    if (route == null) {
      reject(early, ApiError.unknownModel(completion.model()));
      return;
    }
    early.routed = true;
    ApiKeySpec key = early.key;
    if (!key.allows(completion.model())) {
      reject(early, ApiError.modelNotAllowed(completion.model()));
      return;
    }
    long completionTokens = early.endpoint.generates()
        ? (completion.maxTokens() > 0 ? completion.maxTokens() : early.snapshot.defaultMaxTokens())
        : 0;
    OrgSpec org = early.snapshot.org(key.org());
    AdmissionRequest admission = new AdmissionRequest(key.id(), key.org(), key.limits(), org.limits(),
        completion.promptTokenEstimate() + completionTokens,
        route.prices().costMicros(completion.promptTokenEstimate(), completionTokens),
        key.budget(), org.budget());
    long admitStart = System.nanoTime();
    services.limiter().admit(admission)
        .onFailure(cause -> reject(early, ApiError.internal("admission failed")))
        .onSuccess(decision -> {
          if ("redis".equals(decision.decidedBy())) {
            services.metrics().redisAdmissionTime(System.nanoTime() - admitStart);
          }
          services.metrics().admission(decision.admitted() ? "admitted" : decision.error().code(), decision.decidedBy());
          if (!decision.admitted()) {
            rateLimitHeaders(early.request, decision);
            reject(early, decision.error());
            return;
          }
          early.span.event("admitted");
          services.lifecycle().requestStarted();
          new ProxyExchange(services, client, watchdog, early.request, early.requestId, early.startNanos,
              early.snapshot, route, key, decision, completion, early.span).start();
        });
  }

  /**
   * Ends a request before it reaches a backend, in one place: metrics, the span, the access log,
   * a usage event when the caller is known (the org is then billable for nothing, but the refusal
   * shows in its usage and reliability reports), and the OpenAI-style error.
   */
  private void reject(Early early, ApiError error) {
    String model = early.completion == null ? null : early.routed ? early.completion.model() : "other";
    services.metrics().requestRejected(model, early.endpoint.path(), error.status(), error.code());
    early.span.end(error.status(), error.code(), null, 0, 0);
    if (early.key == null) {
      AccessLog.anonymous(early.requestId, early.span.traceId(), early.endpoint.path(), error.status(), error.code());
    } else {
      UsageEvent event = UsageEvent.refused(early.requestId, early.key.org(), early.key.id(),
          early.endpoint.path(), early.completion == null ? null : early.completion.model(),
          early.completion != null && early.completion.stream(), error.status(), error.code(),
          (System.nanoTime() - early.startNanos) / 1e6, early.snapshot.version());
      services.usage().emit(event);
      AccessLog.request(event, early.span.traceId());
    }
    if (early.closeAfterReply) {
      FrontDoor.closeAfterResponse(early.request);
    }
    DataPlaneVerticle.reply(early.request, error);
  }

  /** What the stages before the proxy learn about a request, for its early ending. */
  private static final class Early {
    final HttpServerRequest request;
    final Endpoint endpoint;
    final long startNanos;
    final String requestId;
    final ConfigSnapshot snapshot;
    final RequestSpan span;
    ApiKeySpec key;
    CompletionRequest completion;
    boolean routed;
    /** The body was not (wholly) read: the connection cannot carry another request. */
    boolean closeAfterReply;

    Early(HttpServerRequest request, Endpoint endpoint, long startNanos, String requestId, ConfigSnapshot snapshot,
          RequestSpan span) {
      this.request = request;
      this.endpoint = endpoint;
      this.startNanos = startNanos;
      this.requestId = requestId;
      this.snapshot = snapshot;
      this.span = span;
    }
  }

  private Future<Authenticator.Result> authenticate(HttpServerRequest request, ConfigSnapshot snapshot) {
    return services.authenticator().authenticate(
        request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader("api-key"), snapshot);
  }

  private static void rateLimitHeaders(HttpServerRequest request, Admission admission) {
    admission.headers().writeTo(request.response().headers());
    if (admission.retryAfterMillis() >= 0) {
      long millis = admission.retryAfterMillis();
      request.response().putHeader("retry-after", Long.toString(Math.max(1, (millis + 999) / 1000)));
      request.response().putHeader("retry-after-ms", Long.toString(millis));
    }
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
