package io.tollgate.analytics.config;

/**
 * Where usage events are read from. The exchange and queue must match the gateways' (both sides
 * declare the same topology).
 *
 * @param url              amqp://user:pass@host:port/vhost ("/" at the end means the default vhost)
 * @param exchange         exchange the gateways publish to (dead letters go to {@code exchange + ".dlx"})
 * @param queue            quorum queue consumed (dead-letter queue {@code queue + ".dlq"})
 * @param prefetch         unacknowledged messages the broker may send ahead
 * @param batchSize        events per PostgreSQL statement at most
 * @param batchMaxDelayMs  a partial batch is written after this long
 * @param reconnectDelayMs wait between attempts when the broker is away
 */
public record BrokerSettings(String url, String exchange, String queue, int prefetch, int batchSize,
                             long batchMaxDelayMs, long reconnectDelayMs) {

  public BrokerSettings withNames(String newExchange, String newQueue) {
    return new BrokerSettings(url, newExchange, newQueue, prefetch, batchSize, batchMaxDelayMs, reconnectDelayMs);
  }

  public BrokerSettings withBatching(int newPrefetch, int newBatchSize, long newBatchMaxDelayMs) {
    return new BrokerSettings(url, exchange, queue, newPrefetch, newBatchSize, newBatchMaxDelayMs, reconnectDelayMs);
  }

  public String deadLetterExchange() {
    return exchange + ".dlx";
  }

  public String deadLetterQueue() {
    return queue + ".dlq";
  }
}
