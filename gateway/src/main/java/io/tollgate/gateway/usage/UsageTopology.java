package io.tollgate.gateway.usage;

import com.rabbitmq.client.Channel;

import java.io.IOException;
import java.util.Map;

/**
 * The RabbitMQ objects usage events travel through. The gateway declares them on every connect and
 * the analytics consumer declares the same (a declare with other arguments would fail, so both
 * sides use exactly these; see docs/analytics.md):
 * <ul>
 *   <li>{@code exchange}: durable direct exchange the gateway publishes to, routing key {@link #ROUTING_KEY};</li>
 *   <li>{@code queue}: durable quorum queue bound to it, dead-lettering to {@code exchange.dlx};</li>
 *   <li>{@code exchange.dlx}: durable fanout exchange for messages that can never be stored;</li>
 *   <li>{@code queue.dlq}: durable quorum queue bound to the dead-letter exchange.</li>
 * </ul>
 */
public record UsageTopology(String exchange, String queue) {

  public static final String ROUTING_KEY = "usage";

  public String deadLetterExchange() {
    return exchange + ".dlx";
  }

  public String deadLetterQueue() {
    return queue + ".dlq";
  }

  public Map<String, Object> queueArguments() {
    return Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", deadLetterExchange());
  }

  /** Idempotent: declaring what exists with the same arguments is a no-op. Blocking. */
  public void declare(Channel channel) throws IOException {
    channel.exchangeDeclare(deadLetterExchange(), "fanout", true, false, null);
    channel.queueDeclare(deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
    channel.queueBind(deadLetterQueue(), deadLetterExchange(), "");
    channel.exchangeDeclare(exchange, "direct", true, false, null);
    channel.queueDeclare(queue, true, false, false, queueArguments());
    channel.queueBind(queue, exchange, ROUTING_KEY);
  }
}
