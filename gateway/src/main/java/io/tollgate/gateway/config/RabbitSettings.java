package io.tollgate.gateway.config;

import java.nio.file.Path;

/**
 * Platform mode's RabbitMQ: where usage events are published (batched, with publisher confirms)
 * and the local spool that holds them while the broker is away.
 *
 * @param url             amqp://user:pass@host:port/vhost
 * @param exchange        durable exchange the gateway declares and publishes to
 * @param queue           durable quorum queue bound to it (the analytics consumer reads it)
 * @param batchSize       events per publish batch at most
 * @param batchMaxDelayMs a partial batch is published after this long
 * @param queueCapacity   in-memory events at most; beyond it events spill to the spool
 * @param spoolDir        folder of the append-only spool used while the broker is unreachable
 */
public record RabbitSettings(String url, String exchange, String queue, int batchSize, long batchMaxDelayMs,
                             int queueCapacity, Path spoolDir) {
}
