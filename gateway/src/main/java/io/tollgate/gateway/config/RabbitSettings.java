package io.tollgate.gateway.config;

import java.nio.file.Path;

/**
 * Platform mode's RabbitMQ: where usage events are published (batched, with publisher confirms)
 * and the local spool that holds them while the broker is away.
 *
 * @param url                 amqp://user:pass@host:port/vhost
 * @param exchange            durable exchange the gateway declares and publishes to (its dead-letter
 *                            exchange is {@code exchange + ".dlx"})
 * @param queue               durable quorum queue bound to it, read by the analytics consumer (its
 *                            dead-letter queue is {@code queue + ".dlq"})
 * @param batchSize           events per AMQP message (one publish, one confirm) at most
 * @param batchMaxBytes       bytes of event JSON per message at most (a larger single event still goes,
 *                            alone)
 * @param batchMaxDelayMs     how long a partial batch waits for more events (default 50); 0 publishes
 *                            what is ready at once, so batches grow only while a confirm is awaited
 * @param queueCapacity       in-memory events at most; beyond it events spill to the spool
 * @param spoolDir            folder of the append-only spool used while the broker is unreachable;
 *                            one per gateway process
 * @param confirmTimeoutMs    a batch the broker has not confirmed after this long is spooled, and
 *                            the connection is dropped and made again
 * @param reconnectMaxDelayMs reconnect attempts back off from 100 ms up to this
 */
public record RabbitSettings(String url, String exchange, String queue, int batchSize, int batchMaxBytes,
                             long batchMaxDelayMs, int queueCapacity, Path spoolDir, long confirmTimeoutMs, long reconnectMaxDelayMs) {

  public static final long DEFAULT_CONFIRM_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_RECONNECT_MAX_DELAY_MS = 5_000;
  public static final int DEFAULT_BATCH_SIZE = 256;
  public static final int DEFAULT_BATCH_MAX_BYTES = 256 * 1024;
  /**
   * A partial batch lingers this long for more events: the broker's work is per message, and without a
   * linger most messages carried one to eight events at a few thousand requests a second (ADR 17).
   * 50 ms rather than 10 for streams' rates (a few thousand a second on this machine's benchmark):
   * the broker's CPU per stream 64 → 16 µs. The events wait in the write-ahead log, so nothing is at risk.
   */
  public static final long DEFAULT_BATCH_MAX_DELAY_MS = 50;

  /** The defaults of config/gateway.yaml for everything but the URL and the spool folder. */
  public static RabbitSettings defaults(String url, Path spoolDir) {
    return new RabbitSettings(url, "tollgate.usage", "tollgate.usage.events", DEFAULT_BATCH_SIZE,
        DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_MAX_DELAY_MS, 100_000, spoolDir, DEFAULT_CONFIRM_TIMEOUT_MS, DEFAULT_RECONNECT_MAX_DELAY_MS);
  }

  public RabbitSettings withNames(String newExchange, String newQueue) {
    return new RabbitSettings(url, newExchange, newQueue, batchSize, batchMaxBytes, batchMaxDelayMs, queueCapacity,
        spoolDir, confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withUrl(String newUrl) {
    return new RabbitSettings(newUrl, exchange, queue, batchSize, batchMaxBytes, batchMaxDelayMs, queueCapacity,
        spoolDir, confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withBatching(int newBatchSize, long newBatchMaxDelayMs, int newQueueCapacity) {
    return new RabbitSettings(url, exchange, queue, newBatchSize, batchMaxBytes, newBatchMaxDelayMs, newQueueCapacity,
        spoolDir, confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withBatchMaxBytes(int newBatchMaxBytes) {
    return new RabbitSettings(url, exchange, queue, batchSize, newBatchMaxBytes, batchMaxDelayMs, queueCapacity,
        spoolDir, confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withTimeouts(long newConfirmTimeoutMs, long newReconnectMaxDelayMs) {
    return new RabbitSettings(url, exchange, queue, batchSize, batchMaxBytes, batchMaxDelayMs, queueCapacity,
        spoolDir, newConfirmTimeoutMs, newReconnectMaxDelayMs);
  }
}
