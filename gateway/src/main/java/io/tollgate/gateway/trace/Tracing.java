package io.tollgate.gateway.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.tollgate.gateway.config.TracingSettings;

import java.util.concurrent.TimeUnit;

/** Builds the tracer from settings: OTLP over HTTP, batched off the event loop, sampled by ratio. */
public final class Tracing {

  private Tracing() {
  }

  public static RequestTracer fromSettings(TracingSettings settings) {
    if (settings == null || !settings.enabled()) {
      return RequestTracer.disabled();
    }
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()))))
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(
            OtlpHttpSpanExporter.builder().setEndpoint(settings.otlpEndpoint()).build()).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    return RequestTracer.of(sdk, () -> provider.shutdown().join(5, TimeUnit.SECONDS));
  }
}
