package io.tollgate.analytics.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tollgate.analytics.ingest.IngestMetrics;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The consumer's Prometheus metrics, served at {@code GET /metrics} (names in config/metrics.md):
 * events by outcome, messages and events per message, batches, write retries and broker connects,
 * read from the consumer's counters at scrape time; plus JVM metrics.
 */
public final class AnalyticsMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Micrometer holds a function counter's source weakly; this keeps it alive. */
  private final Supplier<IngestMetrics> ingest;

  public AnalyticsMetrics(Supplier<IngestMetrics> ingest) {
    this.ingest = ingest;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    events(ingest, "received", IngestMetrics::received);
    events(ingest, "inserted", IngestMetrics::inserted);
    events(ingest, "duplicate", IngestMetrics::duplicates);
    events(ingest, "dead_lettered", IngestMetrics::deadLettered);
    counter(ingest, "tollgate.analytics.batches", "Batches committed and acknowledged", IngestMetrics::batches);
    counter(ingest, "tollgate.analytics.write.retries", "Batch writes retried after a PostgreSQL failure",
        IngestMetrics::writeRetries);
    counter(ingest, "tollgate.analytics.broker.connects", "Connections made to RabbitMQ", IngestMetrics::connects);
    counter(ingest, "tollgate.analytics.messages", "Messages delivered by RabbitMQ (an event or a batch of them each)",
        IngestMetrics::messages);
  }

  /** The histogram of events per message received; its recorder goes to the consumer. */
  public java.util.function.IntConsumer messageEvents() {
    io.micrometer.core.instrument.DistributionSummary summary =
        io.micrometer.core.instrument.DistributionSummary.builder("tollgate.analytics.message.events")
            .description("Usage events per message delivered by RabbitMQ")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
            .register(registry);
    return summary::record;
  }

  public String scrape() {
    return registry.scrape();
  }

  /** For meters registered elsewhere that /metrics must serve too (the front door's connections). */
  public MeterRegistry registry() {
    return registry;
  }

  private void events(Supplier<IngestMetrics> ingest, String outcome, ToLongFunction<IngestMetrics> value) {
    FunctionCounter.builder("tollgate.analytics.events", ingest, s -> value.applyAsLong(s.get()))
        .description("Usage events by outcome: received, inserted, duplicate (already stored), dead_lettered")
        .tag("outcome", outcome).register(registry);
  }

  private void counter(Supplier<IngestMetrics> ingest, String name, String description,
                       ToLongFunction<IngestMetrics> value) {
    FunctionCounter.builder(name, ingest, s -> value.applyAsLong(s.get())).description(description).register(registry);
  }
}
