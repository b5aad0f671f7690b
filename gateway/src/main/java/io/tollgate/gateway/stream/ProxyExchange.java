package io.tollgate.gateway.stream;

import io.tollgate.gateway.GatewayServices;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.http.ApiError;
import io.tollgate.gateway.http.Ids;
import io.tollgate.gateway.limit.Admission;
import io.tollgate.gateway.limit.Limiter;
import io.tollgate.gateway.logging.AccessLog;
import io.tollgate.gateway.pipeline.CompletionRequest;
import io.tollgate.gateway.route.BackendState;
import io.tollgate.gateway.route.RequestRoute;
import io.tollgate.gateway.trace.RequestSpan;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stages 4–6 for one admitted request: choose a backend, proxy to it (streaming with back-pressure
 * when the client asked for SSE), and account for it exactly once, whatever the ending.
 *
 * <p>Retries go to another backend, and only before the first byte reaches the client: after
 * that the client holds part of an answer, and a second answer would duplicate tokens.
 *
 * <p>Everything here runs on the event loop of the client's connection; the fields need no locks.
 */
public final class ProxyExchange {

  /** One SSE event larger than this is taken as a broken upstream, not buffered further. */
  private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;
  private static final Buffer DONE_EVENT = Buffer.buffer("data: [DONE]\n\n");
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");
  /** How long the end of a stream may wait for its settlement (a Redis round trip) before it goes anyway. */
  private static final long SETTLE_WAIT_MS = 250;

  private final GatewayServices services;
  private final HttpClient client;
  private final StreamWatchdog watchdog;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String requestId;
  private final long startNanos;
  private final ConfigSnapshot snapshot;
  /** The route serving the request now: the requested one, its canary model, or a fallback. */
  private ModelRoute route;
  private final ApiKeySpec key;
  private final Admission admission;
  private final CompletionRequest completion;
  private Buffer upstreamBody;
  private final RequestRoute routing;
  private final RequestSpan span;

  private BackendState backend;
  private boolean backendFailed;
  private boolean backendReleased;
  private HttpClientRequest upstreamRequest;
  private HttpClientResponse upstreamResponse;
  private SseForwarder forwarder;
  /** Client bytes of the current event-loop batch, not yet written (see writeToClient). */
  private Buffer batch;
  /** The batch is a buffer of ours (not an upstream slice) and may be appended to. */
  private boolean batchOwned;
  private boolean flushScheduled;
  private final Context context;
  private boolean headersSent;
  private boolean upstreamPaused;
  private boolean finished;
  private long firstTokenNanos = -1;
  private long lastTokenNanos;
  private long lastUpstreamDataNanos;
  private long lastClientWriteNanos;
  private int status = 200;
  private String errorKind;
  private boolean clientGone;
  private JsonObject usage;
  private ApiError lastFailure;

  public ProxyExchange(GatewayServices services, HttpClient client, StreamWatchdog watchdog,
                       HttpServerRequest request, String requestId, long startNanos,
                       ConfigSnapshot snapshot, ModelRoute route, ApiKeySpec key,
                       Admission admission, CompletionRequest completion, RequestSpan span) {
    this.services = services;
    this.client = client;
    this.watchdog = watchdog;
    this.request = request;
    this.response = request.response();
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.snapshot = snapshot;
    this.key = key;
    this.admission = admission;
    this.completion = completion;
    this.routing = services.backends().open(snapshot, route, request.getHeader("x-session-id"), completion.body());
    this.route = routing.route();
    this.upstreamBody = UpstreamBody.of(completion, this.route);
    this.span = span;
    this.lastClientWriteNanos = startNanos;
    this.context = Vertx.currentContext();
  }

  public void start() {
    response.closeHandler(v -> onClientGone());
    response.exceptionHandler(e -> onClientGone());
    response.drainHandler(v -> resumeUpstream());
    watchdog.register(this);
    tryNextBackend();
  }

  // ---- choosing a backend and sending ------------------------------------------------------

  private void tryNextBackend() {
    if (finished) {
      return;
    }
    BackendState chosen = routing.next();
    if (chosen == null) {
      fail(lastFailure != null ? lastFailure : ApiError.noHealthyBackend(completion.model()));
      return;
    }
    if (routing.route() != route) {
      // Nothing has reached the client yet: another model (canary's stable side or fallback) serves.
      route = routing.route();
      upstreamBody = UpstreamBody.of(completion, route);
    }
    backend = chosen;
    backendFailed = false;
    backendReleased = false;
    services.metrics().backendSelected(chosen.spec().id());
    span.backend(chosen.spec().id());
    BackendSpec spec = chosen.spec();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(spec.host())
        .setPort(spec.port())
        .setSsl(spec.ssl())
        .setURI(spec.basePath() + completion.endpoint().path())
        .setConnectTimeout(route.timeouts().connectMs())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, completion.stream() ? "text/event-stream" : "application/json")
        .putHeader("x-request-id", requestId);
    span.propagate(request, options);
    client.request(options)
        .compose(upstream -> {
          upstreamRequest = upstream;
          if (finished) {
            upstream.reset();
            return Future.failedFuture("client gone");
          }
          return upstream.send(upstreamBody);
        })
        .onComplete(result -> onUpstreamResponse(chosen, result));
  }

  private void onUpstreamResponse(BackendState attemptBackend, AsyncResult<HttpClientResponse> result) {
    if (attemptBackend != backend) {
      return; // a late answer from an attempt already given up on
    }
    if (finished) {
      if (result.succeeded()) {
        result.result().request().reset();
      }
      return;
    }
    if (result.failed()) {
      releaseBackend(true);
      lastFailure = classify(result.cause());
      retryOrFail();
      return;
    }
    HttpClientResponse upstream = result.result();
    int upstreamStatus = upstream.statusCode();
    if (upstreamStatus >= 500 && !headersSent && canRetry()) {
      releaseBackend(true);
      lastFailure = ApiError.upstreamFailed("backend " + attemptBackend.spec().id() + " answered " + upstreamStatus);
      upstream.request().reset();
      tryNextBackend();
      return;
    }
    if (upstreamStatus != 200) {
      upstream.body().onComplete(body -> forwardUpstreamError(upstreamStatus,
          body.succeeded() ? body.result() : Buffer.buffer()));
      return;
    }
    if (completion.stream()) {
      startStreaming(upstream);
    } else {
      upstream.body().onComplete(body -> {
        if (body.succeeded()) {
          sendWholeResponse(upstream, body.result());
        } else {
          onUpstreamFailure(body.cause());
        }
      });
    }
  }

  /** Something is left to try (another backend or model) and the route's retry budget allows it. */
  private boolean canRetry() {
    return routing.mayRetry();
  }

  private void retryOrFail() {
    if (!headersSent && canRetry()) {
      tryNextBackend();
    } else {
      fail(lastFailure);
    }
  }

  /** Connection failures mean the pool has no healthy backend left (503); others are 502/504. */
  private ApiError classify(Throwable cause) {
    if (cause instanceof ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException) {
      return ApiError.noHealthyBackend(completion.model());
    }
    if (cause instanceof TimeoutException) {
      return ApiError.upstreamTimeout("idle");
    }
    return ApiError.upstreamFailed(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  // ---- streaming ---------------------------------------------------------------------------

  private void startStreaming(HttpClientResponse upstream) {
    upstreamResponse = upstream;
    forwarder = new SseForwarder(!completion.clientWantsUsage());
    lastUpstreamDataNanos = System.nanoTime();
    // The client's headers wait for the first bytes: until then a failing backend can still be
    // retried elsewhere, or answered with a proper status.
    upstream.handler(chunk -> {
      if (upstream == upstreamResponse) {
        onUpstreamData(chunk);
      }
    });
    upstream.exceptionHandler(cause -> {
      if (upstream == upstreamResponse) {
        onUpstreamFailure(cause);
      }
    });
    upstream.endHandler(v -> {
      if (upstream == upstreamResponse) {
        onUpstreamEnd();
      }
    });
  }

  private void sendStreamHeaders() {
    if (headersSent) {
      return;
    }
    headersSent = true;
    response.setChunked(true);
    response.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    response.putHeader("x-accel-buffering", "no");
    commonHeaders();
  }

  private void commonHeaders() {
    response.putHeader("x-request-id", requestId);
    if (backend != null) {
      response.putHeader("x-tollgate-backend", backend.spec().id());
    }
    response.putHeader("x-tollgate-model", route.name());
    admission.headers().writeTo(response.headers());
  }

  private void onUpstreamData(Buffer chunk) {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    lastUpstreamDataNanos = now;
    int tokensBefore = forwarder.tokenChunks();
    Buffer out = forwarder.process(chunk);
    if (forwarder.tokenChunks() > tokensBefore) {
      if (firstTokenNanos < 0) {
        firstTokenNanos = now;
        routing.firstToken(backend, (now - startNanos) / 1e6);
        span.event("first_token");
      } else {
        services.metrics().interTokenGap(completion.model(), now - lastTokenNanos);
      }
      lastTokenNanos = now;
    }
    if (forwarder.sawDone()) {
      completeStream(out, now);
      return;
    }
    if (out.length() > 0) {
      writeToClient(out, now);
    }
    if (forwarder.pendingBytes() > MAX_EVENT_BYTES) {
      onUpstreamFailure(new IllegalStateException("upstream SSE event over " + MAX_EVENT_BYTES + " bytes"));
    }
  }

  /**
   * The backend sent [DONE]: the stream is complete for the client, so its slot is settled before
   * the client can read the end (a client that sends its next request on [DONE] must find its
   * concurrent-streams slot free), not when the backend's response ends a read later. The rest of
   * the upstream response (its chunked terminator) is drained by the client pool, which keeps the
   * connection.
   */
  private void completeStream(Buffer out, long now) {
    takeStreamOutcome();
    Future<Void> settled = finish();
    if (settled.isComplete()) {
      endStream(out, now);
    } else {
      // A shared (Redis) limiter settles over the network: the end waits for it, within a bound,
      // and counts as in flight meanwhile so that a graceful shutdown does not cut it.
      services.lifecycle().requestStarted();
      settled.timeout(SETTLE_WAIT_MS, TimeUnit.MILLISECONDS).onComplete(v -> {
        endStream(out, System.nanoTime());
        services.lifecycle().requestEnded();
      });
    }
  }

  /** What the stream's last events said: its usage, and the error an error event carried. */
  private void takeStreamOutcome() {
    usage = forwarder.usage();
    if (forwarder.sawErrorEvent()) {
      errorKind = errorCode(forwarder.error());
    }
  }

  private void endStream(Buffer out, long now) {
    if (clientGone) {
      return;
    }
    if (out.length() > 0) {
      writeToClient(out, now);
    }
    flushBatch();
    response.end();
  }

  /**
   * Queues bytes for the client. They are written once the event loop has handled every socket
   * that was ready (one task per batch): a backend read that delivered many events costs the
   * client one write and one flush (a writev) instead of one per event, the largest cost of a
   * stream in the profile. The batch is bounded by one upstream read.
   */
  private void writeToClient(Buffer out, long now) {
    sendStreamHeaders();
    lastClientWriteNanos = now;
    if (batch == null) {
      batch = out;
    } else {
      if (!batchOwned) {
        batch = Buffer.buffer(batch.length() + out.length() + 256).appendBuffer(batch);
        batchOwned = true;
      }
      batch.appendBuffer(out);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flushBatch());
    }
  }

  /** Writes what the batch holds now (before an end, so that the end follows it). */
  private void flushBatch() {
    flushScheduled = false;
    Buffer out = batch;
    batch = null;
    batchOwned = false;
    if (out == null || clientGone || response.ended()) {
      return;
    }
    response.write(out);
    if (response.writeQueueFull() && upstreamResponse != null && !upstreamPaused) {
      // The client reads slower than the backend writes: stop reading upstream until it drains,
      // so TCP flow control slows the backend instead of our heap filling up.
      upstreamPaused = true;
      upstreamResponse.pause();
    }
  }

  private void resumeUpstream() {
    if (upstreamPaused && !finished) {
      upstreamPaused = false;
      // The idle clock restarts: the backend was silent because we paused it, not because it hung.
      lastUpstreamDataNanos = System.nanoTime();
      upstreamResponse.resume();
    }
  }

  private void onUpstreamEnd() {
    if (finished) {
      return;
    }
    if (!headersSent && !forwarder.sawDone()) {
      onUpstreamFailure(new IllegalStateException("the backend closed the stream before any token"));
      return;
    }
    takeStreamOutcome();
    if (!forwarder.sawDone()) {
      // The backend closed without [DONE]: the client must not mistake this for a full answer.
      errorKind = "upstream_error";
      flushBatch();
      response.write(ApiError.upstreamFailed("the stream ended before it was complete").toSseEvent());
      response.write(DONE_EVENT.copy());
    }
    flushBatch();
    response.end();
    finish();
  }

  private void onUpstreamFailure(Throwable cause) {
    if (finished) {
      return;
    }
    backendFailed = true;
    if (!headersSent && canRetry()) {
      // Nothing reached the client yet: drop this backend's stream and try another.
      releaseBackend(true);
      lastFailure = classify(cause);
      HttpClientRequest failed = upstreamRequest;
      upstreamResponse = null;
      forwarder = null;
      failed.reset();
      tryNextBackend();
      return;
    }
    if (forwarder != null) {
      usage = forwarder.usage();
    }
    fail(classify(cause));
    resetUpstream();
  }

  // ---- non-streaming -----------------------------------------------------------------------

  private void sendWholeResponse(HttpClientResponse upstream, Buffer body) {
    if (finished) {
      return;
    }
    firstTokenNanos = System.nanoTime();
    routing.firstToken(backend, (firstTokenNanos - startNanos) / 1e6);
    usage = usageOf(body);
    headersSent = true;
    String contentType = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType != null ? contentType : "application/json");
    commonHeaders();
    response.end(body);
    finish();
  }

  private static JsonObject usageOf(Buffer body) {
    try {
      return new JsonObject(body).getJsonObject("usage");
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A non-200 from the backend: pass its 4xx on in OpenAI's shape; a 5xx becomes a 502. */
  private void forwardUpstreamError(int upstreamStatus, Buffer body) {
    if (finished) {
      return;
    }
    releaseBackend(upstreamStatus >= 500);
    JsonObject upstreamError = UpstreamErrors.errorObject(body);
    ApiError error;
    if (upstreamStatus >= 500) {
      error = ApiError.upstreamFailed("backend answered " + upstreamStatus
          + (upstreamError.getString("message") != null ? ": " + upstreamError.getString("message") : ""));
    } else {
      error = UpstreamErrors.toApiError(upstreamStatus, upstreamError);
    }
    fail(error);
  }

  // ---- endings -----------------------------------------------------------------------------

  /** Ends the request with an error: a JSON error before the first byte, an SSE event after. */
  private void fail(ApiError error) {
    if (finished) {
      return;
    }
    if (error == null) {
      error = ApiError.noHealthyBackend(completion.model());
    }
    errorKind = error.code();
    if (!clientGone) {
      if (headersSent) {
        if (completion.stream()) {
          flushBatch();
          response.write(error.toSseEvent());
          response.end(DONE_EVENT.copy());
        } else {
          response.reset();
        }
      } else {
        status = error.status();
        headersSent = true;
        response.setStatusCode(error.status());
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.putHeader("x-request-id", requestId);
        admission.headers().writeTo(response.headers());
        response.end(error.toBuffer());
      }
    }
    finish();
  }

  private void onClientGone() {
    if (finished) {
      return;
    }
    clientGone = true;
    if (forwarder != null) {
      usage = forwarder.usage();
    }
    if (errorKind == null) {
      errorKind = "client_disconnected";
    }
    finish();
    // Reset (close) the upstream connection: that is the only signal vLLM takes to abort the
    // generation and free its KV cache.
    resetUpstream();
  }

  /** Closes the upstream stream; after finish(), so the reset's own failure event is ignored. */
  private void resetUpstream() {
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
  }

  /** Called by the watchdog a few times a second: timeouts and keep-alives. */
  void tick(long now) {
    if (finished) {
      return;
    }
    if (firstTokenNanos < 0) {
      if (now - startNanos > TimeUnit.MILLISECONDS.toNanos(route.timeouts().firstTokenMs())) {
        timeout("no first token within " + route.timeouts().firstTokenMs() + " ms");
        return;
      }
      long keepAlive = services.settings().keepAliveIntervalMs();
      if (completion.stream() && keepAlive > 0
          && now - lastClientWriteNanos >= TimeUnit.MILLISECONDS.toNanos(keepAlive)) {
        // Proxies and load balancers cut streams idle for ~60 s; a comment line keeps this one up.
        sendStreamHeaders();
        writeToClient(KEEP_ALIVE.copy(), now);
      }
    } else if (!upstreamPaused && upstreamResponse != null
        && now - lastUpstreamDataNanos > TimeUnit.MILLISECONDS.toNanos(route.timeouts().idleMs())) {
      timeout("no token for " + route.timeouts().idleMs() + " ms");
      return;
    }
    long total = route.timeouts().totalMs();
    if (total > 0 && now - startNanos > TimeUnit.MILLISECONDS.toNanos(total)) {
      timeout("not complete within " + total + " ms");
    }
  }

  private void timeout(String what) {
    backendFailed = true;
    if (forwarder != null) {
      usage = forwarder.usage();
    }
    fail(ApiError.upstreamTimeout(what));
    resetUpstream();
  }

  private void releaseBackend(boolean failed) {
    if (backend != null && !backendReleased) {
      backendReleased = true;
      routing.released(backend, failed);
    }
  }

  /**
   * Accounting, exactly once: settle the limiter, free the backend slot, emit usage. Returns the
   * settlement, for the ending that must not let the client go before it.
   */
  private Future<Void> finish() {
    if (finished) {
      return Future.succeededFuture();
    }
    finished = true;
    watchdog.unregister(this);
    if (backend != null) {
      releaseBackend(backendFailed || (errorKind != null && !"client_disconnected".equals(errorKind)));
    }
    long end = System.nanoTime();
    long completionTokens = usage != null ? usage.getLong("completion_tokens", 0L)
        : forwarder != null ? forwarder.textChunks() : 0;
    long promptTokens = usage != null ? usage.getLong("prompt_tokens", 0L)
        : backend != null ? completion.promptTokenEstimate() : 0;
    long cachedTokens = 0;
    if (usage != null && usage.getValue("prompt_tokens_details") instanceof JsonObject details) {
      cachedTokens = details.getLong("cached_tokens", 0L);
    }
    int finalStatus = clientGone && !headersSent ? 499 : status;
    services.metrics().requestFinished(completion.model(), completion.endpoint().path(), finalStatus, errorKind,
        firstTokenNanos < 0 ? -1 : firstTokenNanos - startNanos, end - startNanos, promptTokens, completionTokens);
    span.end(finalStatus, errorKind, route.upstreamModel(), promptTokens, completionTokens);
    Future<Void> settled = Limiter.settleWithOwner(admission.reservation(), promptTokens + completionTokens,
        route.prices().costMicros(promptTokens, completionTokens));
    UsageEvent event = new UsageEvent(
        Ids.uuidV7(),
        Instant.now(),
        requestId,
        key.org(),
        key.id(),
        completion.endpoint().path(),
        completion.model(),
        route.upstreamModel(),
        backend != null ? backend.spec().id() : null,
        finalStatus,
        errorKind,
        completion.stream(),
        promptTokens,
        completionTokens,
        cachedTokens,
        route.prices().cost(promptTokens, completionTokens),
        firstTokenNanos < 0 ? -1 : (firstTokenNanos - startNanos) / 1e6,
        (end - startNanos) / 1e6,
        clientGone,
        snapshot.version());
    services.usage().emit(event);
    AccessLog.request(event, span.traceId());
    services.lifecycle().requestEnded();
    return settled;
  }

  private static String errorCode(JsonObject error) {
    if (error == null) {
      return "upstream_error";
    }
    Object code = error.getValue("code");
    return code instanceof String text ? text : "upstream_error";
  }
}
