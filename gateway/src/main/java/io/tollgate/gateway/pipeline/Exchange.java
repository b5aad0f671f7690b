package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.limit.Admission;
import io.tollgate.gateway.request.CompletionRequest;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.stream.ClientWriter;
import io.tollgate.gateway.stream.ResponseRelay;
import io.tollgate.gateway.trace.RequestSpan;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One request on its way through the stages: what each stage learned, for the stages after it, the
 * accounting and the HTTP boundary. Fields fill in stage by stage; a field a stage has not reached
 * yet is null. The config snapshot is taken once, at the start, and kept to the end.
 *
 * <p>Confined to the request's event loop.
 */
public final class Exchange {

  final HttpServerRequest request;
  final Endpoint endpoint;
  final long startNanos;
  final String requestId;
  final ConfigSnapshot snapshot;
  final RequestSpan span;
  final ClientWriter writer;

  /** After authentication. */
  ApiKeySpec key;
  /** After reading: the body (for an upload streamed on, only its head). */
  Buffer body;
  /** After reading an upload whose file is streamed on: the rest of its body, still in the socket. */
  io.vertx.core.streams.ReadStream<Buffer> uploadRest;
  /** After parsing. */
  CompletionRequest completion;
  /** After finding a stored response the request names: the backend that holds it (else null). */
  String pinnedBackendId;
  /** After resolving the model: the route of the model asked for. */
  ModelRoute route;
  /** After admission (admitted or not: a refusal carries the rate-limit figures too). */
  Admission admission;
  /** After forwarding started. */
  ResponseRelay relay;
  /** The body was not (wholly) read: the connection cannot carry another request. */
  boolean closeAfterReply;

  Exchange(HttpServerRequest request, Endpoint endpoint, long startNanos, String requestId, ConfigSnapshot snapshot,
           RequestSpan span) {
    this.request = request;
    this.endpoint = endpoint;
    this.startNanos = startNanos;
    this.requestId = requestId;
    this.snapshot = snapshot;
    this.span = span;
    this.writer = new ClientWriter(request.response(), this::rateLimitHeaders);
  }

  public HttpServerRequest request() {
    return request;
  }

  public String requestId() {
    return requestId;
  }

  public Admission admission() {
    return admission;
  }

  public ClientWriter writer() {
    return writer;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** What the stream's events said, or null when nothing was streamed. */
  public io.tollgate.gateway.stream.StreamEvents streamEvents() {
    return relay != null ? relay.streamEvents() : null;
  }

  public CompletionRequest completion() {
    return completion;
  }

  public boolean closeAfterReply() {
    return closeAfterReply;
  }

  private void rateLimitHeaders(io.vertx.core.MultiMap headers) {
    if (admission != null) {
      admission.headers().writeTo(headers);
    }
  }
}
