package io.tollgate.gateway.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * Starts a {@link RequestSpan} per request, as a child of the client's W3C trace context when it
 * sent one. Disabled (the default) it records nothing and costs nothing.
 */
public final class RequestTracer {

  private static final TextMapGetter<HttpServerRequest> CLIENT = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpServerRequest request) {
      return List.of("traceparent", "tracestate");
    }

    @Override
    public String get(HttpServerRequest request, String name) {
      return request == null ? null : request.getHeader(name);
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
  private final Runnable shutdown;

  private RequestTracer(Tracer tracer, Runnable shutdown) {
    this.tracer = tracer;
    this.shutdown = shutdown;
  }

  public static RequestTracer disabled() {
    return new RequestTracer(null, () -> { });
  }

  /** Traces with {@code openTelemetry}; {@code shutdown} flushes and stops its exporter. */
  public static RequestTracer of(OpenTelemetry openTelemetry, Runnable shutdown) {
    return new RequestTracer(openTelemetry.getTracer("io.tollgate.gateway"), shutdown);
  }

  public RequestSpan start(HttpServerRequest request, Endpoint endpoint) {
    if (tracer == null) {
      return RequestSpan.none();
    }
    // OpenTelemetry's GenAI operation names where one exists; the API's own name otherwise.
    String operation = switch (endpoint.family()) {
      case CHAT, RESPONSES, MESSAGES -> "chat";
      case COMPLETIONS -> "text_completion";
      case EMBEDDINGS -> "embeddings";
      default -> endpoint.family().label();
    };
    Context parent = propagator.extract(Context.root(), request, CLIENT);
    Span span = tracer.spanBuilder(operation)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(RequestSpan.OPERATION, operation)
        .setAttribute(RequestSpan.PROVIDER, "vllm")
        .setAttribute(RequestSpan.SYSTEM, "vllm")
        .startSpan();
    return new RequestSpan(span, parent.with(span), propagator, operation);
  }

  public void shutdown() {
    shutdown.run();
  }
}
