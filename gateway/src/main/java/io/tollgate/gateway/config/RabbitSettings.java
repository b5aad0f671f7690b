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
 * @param batchSize           events per publish batch at most
 * @param batchMaxDelayMs     a partial batch is published after this long
 * @param queueCapacity       in-memory events at most; beyond it events spill to the spool
 * @param spoolDir            folder of the append-only spool used while the broker is unreachable;
 *                            one per gateway process
 * @param confirmTimeoutMs    a batch the broker has not confirmed after this long is spooled, and
 *                            the connection is dropped and made again
 * @param reconnectMaxDelayMs reconnect attempts back off from 100 ms up to this
 */
public record RabbitSettings(String url, String exchange, String queue, int batchSize, long batchMaxDelayMs,
                             int queueCapacity, Path spoolDir, long confirmTimeoutMs, long reconnectMaxDelayMs) {

  public static final long DEFAULT_CONFIRM_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_RECONNECT_MAX_DELAY_MS = 5_000;

  /** The defaults of config/gateway.yaml for everything but the URL and the spool folder. */
  public static RabbitSettings defaults(String url, Path spoolDir) {
    return new RabbitSettings(url, "tollgate.usage", "tollgate.usage.events", 256, 50, 100_000, spoolDir,
        DEFAULT_CONFIRM_TIMEOUT_MS, DEFAULT_RECONNECT_MAX_DELAY_MS);
  }

  public RabbitSettings withNames(String newExchange, String newQueue) {
    return new RabbitSettings(url, newExchange, newQueue, batchSize, batchMaxDelayMs, queueCapacity, spoolDir,
        confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withUrl(String newUrl) {
    return new RabbitSettings(newUrl, exchange, queue, batchSize, batchMaxDelayMs, queueCapacity, spoolDir,
        confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withBatching(int newBatchSize, long newBatchMaxDelayMs, int newQueueCapacity) {
    return new RabbitSettings(url, exchange, queue, newBatchSize, newBatchMaxDelayMs, newQueueCapacity, spoolDir,
        confirmTimeoutMs, reconnectMaxDelayMs);
  }

  public RabbitSettings withTimeouts(long newConfirmTimeoutMs, long newReconnectMaxDelayMs) {
    return new RabbitSettings(url, exchange, queue, batchSize, batchMaxDelayMs, queueCapacity, spoolDir,
        newConfirmTimeoutMs, newReconnectMaxDelayMs);
  }
}
