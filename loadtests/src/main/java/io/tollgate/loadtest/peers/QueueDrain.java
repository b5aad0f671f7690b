package io.tollgate.loadtest.peers;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains the platform benchmark's usage queues as the analytics consumer would take them off the broker
 * (prefetch, acknowledged in groups), without storing them: the broker is then measured in its steady
 * state, delivering to a consumer, rather than paging and dropping the head of full queues. Its own CPU
 * is the stand-in consumer's, reported apart from the broker's.
 *
 * <pre>java -jar loadtests/target/tollgate-loadtest.jar peers-drain --url amqp://guest:guest@127.0.0.1:5672 \
 *     --queue tollgate.peers.events</pre>
 */
@Command(name = "peers-drain", mixinStandardHelpOptions = true,
    description = {"Consumes and acknowledges the benchmark's usage queues (declared elsewhere) without storing",
        "them, so that the broker runs as it does with the analytics consumer attached."})
public final class QueueDrain implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "amqp://guest:guest@127.0.0.1:5672",
      description = "The broker (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--queue", required = true, split = ",", description = "Queues to drain (comma-separated).")
  List<String> queues;

  @Option(names = "--prefetch", defaultValue = "500",
      description = "Unacknowledged messages the broker may send ahead (default: ${DEFAULT-VALUE}, the consumer's).")
  int prefetch;

  @Override
  public Integer call() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url);
    if (factory.getVirtualHost().isEmpty()) {
      factory.setVirtualHost("/"); // amqp://host:5672/ names the default vhost, as the gateway reads it
    }
    AtomicLong messages = new AtomicLong();
    try (Connection connection = factory.newConnection("tollgate-peers-drain")) {
      for (String queue : queues) {
        Channel channel = connection.createChannel();
        channel.basicQos(prefetch);
        int ackEvery = Math.max(1, prefetch / 2);
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
          private long unacked;

          @Override
          public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
              throws java.io.IOException {
            messages.incrementAndGet();
            // Acknowledged in groups, as a batching consumer does; a group's last delivery acks it.
            if (++unacked >= ackEvery) {
              channel.basicAck(envelope.getDeliveryTag(), true);
              unacked = 0;
            }
          }
        });
        // A partial group is acknowledged by the broker's next delivery or at close: a tail of the run only.
      }
      System.out.println("peers-drain consuming " + queues);
      System.out.flush();
      UntilStopped.await("peers-drain-shutdown",
          () -> System.out.println("peers-drain: " + messages.get() + " messages"));
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueueDrain()).execute(args));
  }
}
