package io.tollgate.analytics.testsupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.tollgate.analytics.config.BrokerSettings;
import io.tollgate.analytics.ingest.Topology;
import io.tollgate.analytics.ingest.UsageMessages;
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

  /**
   * Publishes the events as batch messages of {@code perMessage} events each (the last may hold
   * fewer), as a gateway does: NDJSON with the envelope's headers, one confirm for all.
   */
  public int publishBatches(List<String> events, int perMessage) throws Exception {
    int messages = 0;
    for (int from = 0; from < events.size(); from += perMessage) {
      List<String> batch = events.subList(from, Math.min(events.size(), from + perMessage));
      publishRaw(batch.size(), String.join("\n", batch) + "\n", UsageMessages.VERSION);
      messages++;
    }
    channel.waitForConfirmsOrDie(10_000);
    return messages;
  }

  /** One batch message with this body and envelope headers, as is (for malformed batches). */
  public void publishBatchBody(int declaredEvents, String body, int version) throws Exception {
    publishRaw(declaredEvents, body, version);
    channel.waitForConfirmsOrDie(10_000);
  }

  /** One batch message of these events to another exchange (the dead-letter exchange, say). */
  public void publishBatchTo(String exchange, List<String> events) throws Exception {
    channel.basicPublish(exchange, Topology.ROUTING_KEY, batchProperties(events.size(), UsageMessages.VERSION),
        (String.join("\n", events) + "\n").getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(10_000);
  }

  private static AMQP.BasicProperties batchProperties(int events, int version) {
    return new AMQP.BasicProperties.Builder()
        .contentType(UsageMessages.BATCH_CONTENT_TYPE).deliveryMode(2)
        .headers(java.util.Map.of(UsageMessages.EVENTS_HEADER, events, UsageMessages.VERSION_HEADER, version))
        .build();
  }

  private void publishRaw(int events, String body, int version) throws Exception {
    channel.basicPublish(settings.exchange(), Topology.ROUTING_KEY, batchProperties(events, version),
        body.getBytes(StandardCharsets.UTF_8));
  }

  public void publish(String body) throws Exception {
    publish(List.of(body));
  }

  /** A message taken from a queue: body, headers and content type. */
  public record Message(String body, java.util.Map<String, Object> headers, String contentType) {
  }

  public List<Message> drain(String queue) throws Exception {
    List<Message> messages = new ArrayList<>();
    GetResponse response;
    while ((response = channel.basicGet(queue, true)) != null) {
      messages.add(new Message(new String(response.getBody(), StandardCharsets.UTF_8),
          response.getProps().getHeaders() == null ? java.util.Map.of() : response.getProps().getHeaders(),
          response.getProps().getContentType()));
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
