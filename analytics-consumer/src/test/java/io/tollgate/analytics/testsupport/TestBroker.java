package io.tollgate.analytics.testsupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.tollgate.analytics.config.BrokerSettings;
import io.tollgate.analytics.ingest.Topology;
import io.tollgate.testsupport.Services;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real RabbitMQ with an exchange and queues named for this test alone; publishes raw messages
 * as a gateway would (with confirms) and deletes everything at {@link #close()}.
 */
public final class TestBroker implements AutoCloseable {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final BrokerSettings settings;
  private final Connection connection;
  private final Channel channel;

  private TestBroker(BrokerSettings settings, Connection connection, Channel channel) {
    this.settings = settings;
    this.connection = connection;
    this.channel = channel;
  }

  public static TestBroker create() throws Exception {
    Services.requireRabbitMq();
    String run = "tollgate.test.a" + ProcessHandle.current().pid() + "-" + Long.toString(System.nanoTime(), 36) + "-"
        + SEQUENCE.incrementAndGet();
    BrokerSettings settings = new BrokerSettings(Services.RABBITMQ_URL, run, run + ".events", 2_000, 200, 20, 200);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(Services.RABBITMQ_URL);
    factory.setVirtualHost("/");
    Connection connection = factory.newConnection("tollgate-test");
    Channel channel = connection.createChannel();
    Topology.declare(channel, settings);
    channel.confirmSelect();
    return new TestBroker(settings, connection, channel);
  }

  public void publish(List<String> bodies) throws Exception {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
        .deliveryMode(2).build();
    for (String body : bodies) {
      channel.basicPublish(settings.exchange(), Topology.ROUTING_KEY, properties, body.getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(10_000);
  }

  public void publish(String body) throws Exception {
    publish(List.of(body));
  }

  /** A message taken from a queue: body and headers. */
  public record Message(String body, java.util.Map<String, Object> headers) {
  }

  public List<Message> drain(String queue) throws Exception {
    List<Message> messages = new ArrayList<>();
    GetResponse response;
    while ((response = channel.basicGet(queue, true)) != null) {
      messages.add(new Message(new String(response.getBody(), StandardCharsets.UTF_8),
          response.getProps().getHeaders() == null ? java.util.Map.of() : response.getProps().getHeaders()));
    }
    return messages;
  }

  public long messageCount(String queue) throws Exception {
    return channel.messageCount(queue);
  }

  @Override
  public void close() throws Exception {
    try (Channel cleanup = connection.createChannel()) {
      cleanup.queueDelete(settings.queue());
      cleanup.queueDelete(settings.deadLetterQueue());
      cleanup.exchangeDelete(settings.exchange());
      cleanup.exchangeDelete(settings.deadLetterExchange());
    } finally {
      connection.close();
    }
  }
}
