package io.tollgate.analytics.ingest;

import com.rabbitmq.client.Channel;
import io.tollgate.analytics.config.BrokerSettings;

import java.io.IOException;
import java.util.Map;

/**
 * The RabbitMQ objects usage events travel through, declared exactly as the gateway declares them
 * (a declare with other arguments fails, so both sides must agree; docs/analytics.md is the
 * contract): a durable direct exchange, routing key "usage"; a quorum queue dead-lettering to
 * {@code exchange.dlx}; that fanout exchange and its quorum queue {@code queue.dlq}. Declaring on
 * both sides lets either start first.
 */
public final class Topology {

  public static final String ROUTING_KEY = "usage";

  private Topology() {
  }

  public static void declare(Channel channel, BrokerSettings settings) throws IOException {
    channel.exchangeDeclare(settings.deadLetterExchange(), "fanout", true, false, null);
    channel.queueDeclare(settings.deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
    channel.queueBind(settings.deadLetterQueue(), settings.deadLetterExchange(), "");
    channel.exchangeDeclare(settings.exchange(), "direct", true, false, null);
    channel.queueDeclare(settings.queue(), true, false, false,
        Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", settings.deadLetterExchange()));
    channel.queueBind(settings.queue(), settings.exchange(), ROUTING_KEY);
  }
}
