package io.tollgate.gateway.route;

import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.BoundedBody;
import io.tollgate.gateway.request.CompletionRequest;
import io.tollgate.gateway.trace.RequestSpan;
import io.tollgate.gateway.upstream.UpstreamCall;
import io.tollgate.gateway.upstream.UpstreamClient;
import io.tollgate.gateway.upstream.UpstreamRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The attempts of one request at its route's backends: send to the backend routing chooses; on a
 * connection failure or a 5xx, try the next one while the route's retry budget allows and nothing
 * has reached the client yet (after that the client holds part of an answer, and a second answer
 * would duplicate tokens). Ends with a backend's 200 response, or with the refusal to send.
 *
 * <p>Confined to the request's event loop.
 */
public final class BackendAttempts {

  /** A backend's 200 response, or why there is none. Exactly one is set. */
  public record Attempt(UpstreamCall response, Refusal refusal) {
  }

  private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
  private static final AsciiString JSON = AsciiString.cached("application/json");
  private static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");

  private final RequestRoute routing;
  private final UpstreamClient client;
  private final CompletionRequest completion;
  private final String requestId;
  private final RequestSpan span;
  private final HttpServerRequest clientRequest;
  /** Told each backend chosen (the per-backend selection metric). */
  private final Consumer<String> backendSelected;
  /** Whether any byte of the answer (a keep-alive, say) has reached the client: no retry after that. */
  private final BooleanSupplier answerStarted;
  /** {@code Bearer <the backends' key>}, or null when the backends take none. */
  private final String upstreamAuthorization;

  private ModelRoute route;
  private Buffer upstreamBody;
  private BackendState backend;
  private boolean backendReleased;
  private UpstreamCall upstreamCall;
  private Refusal lastFailure;
  private Promise<Attempt> pending;
  private boolean cancelled;

  public BackendAttempts(RequestRoute routing, UpstreamClient client, CompletionRequest completion, String requestId,
                         RequestSpan span, HttpServerRequest clientRequest, Consumer<String> backendSelected,
                         BooleanSupplier answerStarted, String upstreamAuthorization) {
    this.upstreamAuthorization = upstreamAuthorization;
    this.routing = routing;
    this.client = client;
    this.completion = completion;
    this.requestId = requestId;
    this.span = span;
    this.clientRequest = clientRequest;
    this.backendSelected = backendSelected;
    this.answerStarted = answerStarted;
    this.route = routing.route();
    this.upstreamBody = UpstreamBody.of(completion, route);
  }

  /** The route serving the request now: the requested one, its canary model, or a fallback. */
  public ModelRoute route() {
    return route;
  }

  /** The backend of the current attempt, or null before the first. */
  public BackendState backend() {
    return backend;
  }

  public RequestRoute routing() {
    return routing;
  }

  /** Sends to the next backend, retrying others as allowed, until one answers 200 or none is left. */
  public Future<Attempt> next() {
    pending = Promise.promise();
    tryNextBackend();
    return pending.future();
  }

  /**
   * The current backend failed after its 200 (the stream broke, a timeout): it is released as
   * failed, its stream reset, and the failure remembered. Returns whether another attempt may go.
   */
  public boolean failed(Throwable cause) {
    release(true);
    lastFailure = classify(cause);
    resetUpstream();
    return mayRetry();
  }

  public boolean mayRetry() {
    // An upload whose file began to stream from the client's socket cannot be sent again.
    boolean uploadSent = upstreamCall != null && upstreamCall.uploadStarted();
    return !cancelled && !uploadSent && !answerStarted.getAsBoolean() && routing.mayRetry();
  }

  /** Frees the current backend's slot (once), counting the attempt as failed or not. */
  public void release(boolean failed) {
    if (backend != null && !backendReleased) {
      backendReleased = true;
      routing.released(backend, failed);
    }
  }

  /**
   * No further attempt: resets the stream in flight, which is the only signal vLLM takes to abort a
   * generation and free its KV cache.
   */
  public void cancel() {
    cancelled = true;
    resetUpstream();
  }

  /** The refusal a connection-level failure becomes: 503 when nothing answers, else 502 or 504. */
  public Refusal classify(Throwable cause) {
    if (cause instanceof BoundedBody.TooLarge tooLarge) {
      return Refusal.bodyTooLarge(tooLarge.limit()); // a streamed upload passed the limit on its way
    }
    if (cause instanceof ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException) {
      return Refusal.noHealthyBackend(completion.model());
    }
    if (cause instanceof TimeoutException) {
      return Refusal.upstreamTimeout("idle");
    }
    javax.net.ssl.SSLException tls = tlsFailure(cause);
    if (tls != null && backend != null) {
      return Refusal.backendCertificateRejected(backend.spec().id(), tls.getMessage() == null
          ? tls.getClass().getSimpleName() : tls.getMessage());
    }
    return Refusal.upstreamFailed(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  /** The TLS failure behind a connection failure (Netty may wrap it), or null. */
  private static javax.net.ssl.SSLException tlsFailure(Throwable cause) {
    for (Throwable at = cause; at != null; at = at.getCause() == at ? null : at.getCause()) {
      if (at instanceof javax.net.ssl.SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  private void resetUpstream() {
    if (upstreamCall != null) {
      upstreamCall.reset();
    }
  }

  private void tryNextBackend() {
    if (cancelled) {
      return;
    }
    BackendState chosen = routing.next();
    if (chosen == null) {
      pending.tryComplete(new Attempt(null,
          lastFailure != null ? lastFailure : Refusal.noHealthyBackend(completion.model())));
      return;
    }
    if (routing.route() != route) {
      // Nothing has reached the client yet: another model (canary's stable side or fallback) serves.
      route = routing.route();
      upstreamBody = UpstreamBody.of(completion, route);
    }
    backend = chosen;
    backendReleased = false;
    backendSelected.accept(chosen.spec().id());
    span.backend(chosen.spec().id());
    BackendSpec spec = chosen.spec();
    HttpHeaders headers = UpstreamRequest.newHeaders()
        .set(HttpHeaderNames.CONTENT_TYPE, completion.contentType())
        .set(HttpHeaderNames.ACCEPT, completion.stream() ? EVENT_STREAM : JSON)
        .set(REQUEST_ID, requestId);
    if (upstreamAuthorization != null) {
      // vLLM checks only Bearer (never x-api-key); the client's own credentials never go upstream.
      headers.set(HttpHeaderNames.AUTHORIZATION, upstreamAuthorization);
    }
    span.propagate(clientRequest, headers::set);
    ReadStream<Buffer> uploadRest = completion.uploadRest();
    long uploadLength = -1;
    if (uploadRest != null) {
      String declared = clientRequest.getHeader(io.vertx.core.http.HttpHeaders.CONTENT_LENGTH);
      if (declared != null) {
        uploadLength = Long.parseLong(declared.trim()) - completion.rawBody().length() + upstreamBody.length();
      }
    }
    upstreamCall = client.send(new UpstreamRequest(completion.endpoint().method(), spec.host(), spec.port(),
        spec.ssl(), spec.basePath() + completion.upstreamPath(), route.timeouts().connectMs(), headers, upstreamBody,
        uploadRest, uploadLength));
    UpstreamCall call = upstreamCall;
    call.head().onComplete(result -> onResponse(chosen, call, result));
  }

  private void onResponse(BackendState attemptBackend, UpstreamCall call, AsyncResult<UpstreamCall> result) {
    if (attemptBackend != backend || cancelled) {
      // A late answer from an attempt already given up on.
      call.reset();
      return;
    }
    if (result.failed()) {
      Throwable uploadFailure = call.uploadFailure();
      release(uploadFailure == null);
      lastFailure = classify(uploadFailure != null ? uploadFailure : result.cause());
      retryOrRefuse();
      return;
    }
    UpstreamCall upstream = result.result();
    int status = upstream.status();
    boolean atCapacity = status == 503;
    if (atCapacity) {
      // vLLM's queue caps (--max-num-queued-reqs/-tokens) refuse with 503 before any byte: load, not a fault.
      attemptBackend.refusedAtCapacity(System.nanoTime());
    }
    if (status >= 500 && mayRetry()) {
      release(!atCapacity);
      lastFailure = atCapacity ? Refusal.backendsSaturated(completion.model())
          : Refusal.upstreamFailed("backend " + attemptBackend.spec().id() + " answered " + status);
      upstream.reset();
      tryNextBackend();
      return;
    }
    if (status != 200) {
      upstream.body().onComplete(body -> {
        release(status >= 500 && !atCapacity);
        pending.tryComplete(new Attempt(null, atCapacity ? Refusal.backendsSaturated(completion.model())
            : UpstreamErrors.refusal(status, body.succeeded() ? body.result() : Buffer.buffer())));
      });
      return;
    }
    pending.tryComplete(new Attempt(upstream, null));
  }

  private void retryOrRefuse() {
    if (mayRetry()) {
      tryNextBackend();
    } else {
      pending.tryComplete(new Attempt(null, lastFailure));
    }
  }
}
