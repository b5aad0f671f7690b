package io.tollgate.gateway.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.http.HttpServerRequest;

import java.util.function.BiConsumer;

/**
 * The trace of one gateway request: a server span named as the OpenTelemetry GenAI conventions
 * say ({@code chat <model>}), with the pipeline's stages as events. When tracing is off, this only
 * passes the client's own {@code traceparent} on to the backend, unchanged.
 */
public final class RequestSpan {

  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("tollgate.key_id");
  static final AttributeKey<String> ORG_ID = AttributeKey.stringKey("tollgate.org_id");
  static final AttributeKey<String> BACKEND = AttributeKey.stringKey("tollgate.backend");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("tollgate.request_id");
  static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("tollgate.stream");

  private static final TextMapSetter<BiConsumer<String, String>> UPSTREAM = BiConsumer::accept;

  /** Without tracing of its own, the gateway passes the client's trace context on unchanged. */
  private static final String[] PASSED_ON = {"traceparent", "tracestate"};

  private final Span span;
  private final Context context;
  private final TextMapPropagator propagator;
  private final String operation;

  RequestSpan(Span span, Context context, TextMapPropagator propagator, String operation) {
    this.span = span;
    this.context = context;
    this.propagator = propagator;
    this.operation = operation;
  }

  /** No tracing: nothing recorded, the client's trace context is forwarded as it came. */
  static RequestSpan none() {
    return new RequestSpan(null, null, null, null);
  }

  public boolean recording() {
    return span != null;
  }

  /** The trace id, for logs; empty when not tracing. */
  public String traceId() {
    return span == null ? "" : span.getSpanContext().getTraceId();
  }

  public void requestId(String requestId) {
    if (span != null) {
      span.setAttribute(REQUEST_ID, requestId);
    }
  }

  public void model(String model, boolean stream, long maxTokens) {
    if (span != null) {
      span.updateName(operation + " " + model);
      span.setAttribute(REQUEST_MODEL, model);
      span.setAttribute(STREAM, stream);
      if (maxTokens > 0) {
        span.setAttribute(MAX_TOKENS, maxTokens);
      }
    }
  }

  public void key(String keyId, String orgId) {
    if (span != null) {
      span.setAttribute(KEY_ID, keyId);
      span.setAttribute(ORG_ID, orgId);
    }
  }

  /** A pipeline stage reached (authenticated, admitted, backend chosen, first token…). */
  public void event(String name) {
    if (span != null) {
      span.addEvent(name);
    }
  }

  public void backend(String backendId) {
    if (span != null) {
      span.setAttribute(BACKEND, backendId);
      span.addEvent("backend.selected");
    }
  }

  /** Puts the trace context on the upstream request (W3C traceparent), so vLLM's spans join it. */
  public void propagate(HttpServerRequest client, BiConsumer<String, String> upstreamHeader) {
    if (span != null) {
      propagator.inject(context, upstreamHeader, UPSTREAM);
      return;
    }
    for (String header : PASSED_ON) {
      String value = client.getHeader(header);
      if (value != null) {
        upstreamHeader.accept(header, value);
      }
    }
  }

  /** Ends the span with the request's outcome. */
  public void end(int status, String errorKind, String servedModel, long inputTokens, long outputTokens) {
    if (span == null) {
      return;
    }
    span.setAttribute(STATUS, (long) status);
    if (servedModel != null) {
      span.setAttribute(RESPONSE_MODEL, servedModel);
    }
    if (inputTokens > 0) {
      span.setAttribute(INPUT_TOKENS, inputTokens);
    }
    if (outputTokens > 0) {
      span.setAttribute(OUTPUT_TOKENS, outputTokens);
    }
    if (errorKind != null) {
      span.setAttribute(ERROR_TYPE, errorKind);
      if (status >= 500 || status == 200) {
        span.setStatus(StatusCode.ERROR, errorKind);
      }
    }
    span.end();
  }
}
