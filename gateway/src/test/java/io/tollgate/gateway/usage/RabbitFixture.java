package io.tollgate.gateway.usage;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real RabbitMQ on localhost for tests, with names unique to this run so parallel runs and
 * reruns never share a queue; {@link #close()} deletes what the test declared.
 */
public final class RabbitFixture implements AutoCloseable {

  public static final String HOST = System.getenv().getOrDefault("TOLLGATE_TEST_RABBITMQ_HOST", "127.0.0.1");
  public static final int PORT = Integer.parseInt(System.getenv().getOrDefault("TOLLGATE_TEST_RABBITMQ_PORT", "5672"));
  public static final String URL = "amqp://guest:guest@" + HOST + ":" + PORT + "/";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final UsageTopology topology;
  private final AtomicInteger messages = new AtomicInteger();
  private final Connection connection;
  private final Channel channel;

  private RabbitFixture(UsageTopology topology, Connection connection, Channel channel) {
    this.topology = topology;
    this.connection = connection;
    this.channel = channel;
  }

  /** Fails (never skips) with how to start RabbitMQ when it is not there. */
  public static void requireBroker() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, PORT), 2_000);
    } catch (IOException e) {
      throw new AssertionError("RabbitMQ is not reachable on " + HOST + ":" + PORT
          + " (" + e.getMessage() + "); start it with scripts/services.sh (or scripts/services.sh rabbitmq)");
    }
  }

  public static RabbitFixture create() throws Exception {
    requireBroker();
    String run = "t" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + SEQUENCE.incrementAndGet();
    UsageTopology topology = new UsageTopology("tollgate.test." + run, "tollgate.test." + run + ".events");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(URL);
    factory.setVirtualHost("/");
    Connection connection = factory.newConnection("tollgate-test");
    return new RabbitFixture(topology, connection, connection.createChannel());
  }

  /**
   * Takes every message now in the queue (acknowledged) and returns their events in queue order,
   * each message checked against the batch envelope (content type, version, event count).
   */
  public List<String> drain() throws IOException {
    List<String> bodies = new ArrayList<>();
    GetResponse response;
    while ((response = channel.basicGet(topology.queue(), true)) != null) {
      messages.incrementAndGet();
      bodies.addAll(unpack(response));
    }
    return bodies;
  }

  private static List<String> unpack(GetResponse response) {
    var properties = response.getProps();
    if (!UsageBatch.CONTENT_TYPE.equals(properties.getContentType())) {
      throw new AssertionError("not a usage batch: content type " + properties.getContentType());
    }
    Object version = properties.getHeaders().get(UsageBatch.VERSION_HEADER);
    if (!Integer.valueOf(UsageBatch.VERSION).equals(version)) {
      throw new AssertionError("batch version " + version);
    }
    String body = new String(response.getBody(), java.nio.charset.StandardCharsets.UTF_8);
    if (!body.endsWith("\n")) {
      throw new AssertionError("every event line ends with a newline: " + body);
    }
    List<String> events = List.of(body.split("\n"));
    Object count = properties.getHeaders().get(UsageBatch.EVENTS_HEADER);
    if (!Integer.valueOf(events.size()).equals(count)) {
      throw new AssertionError(events.size() + " events in a message whose header says " + count);
    }
    return events;
  }

  /** Messages taken by {@link #drain} so far. */
  public int messagesDrained() {
    return messages.get();
  }

  /** Waits until the queue holds at least {@code count} messages, then drains it. */
  public List<String> drainAtLeast(int count, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    List<String> bodies = new ArrayList<>();
    while (bodies.size() < count && System.currentTimeMillis() < deadline) {
      bodies.addAll(drain());
      if (bodies.size() < count) {
        Thread.sleep(20);
      }
    }
    return bodies;
  }

  public Channel channel() {
    return channel;
  }

  /** A separate channel, for calls expected to fail (a failed declare closes its channel). */
  public Channel newChannel() throws IOException {
    return connection.createChannel();
  }

  @Override
  public void close() throws Exception {
    try (Channel cleanup = connection.createChannel()) {
      cleanup.queueDelete(topology.queue());
      cleanup.queueDelete(topology.deadLetterQueue());
      cleanup.exchangeDelete(topology.exchange());
      cleanup.exchangeDelete(topology.deadLetterExchange());
    } finally {
      connection.close();
    }
  }
}
