package io.tollgate.analytics.ingest;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.tollgate.analytics.config.BrokerSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Moves dead-lettered usage messages (single events, the usual case, or whole batches) back to the
 * usage exchange, where the consumer takes them again
 * (and drops any it already stored, by event id). Only the messages in the dead-letter queue when it
 * starts are moved, so an event that is refused again lands back in the queue and is not looped on.
 * Each message is acknowledged on the dead-letter queue only after the broker confirmed its
 * republish: a replay cut short loses nothing (it may move one twice, which the consumer absorbs).
 *
 * <p>With {@code repair}, strings longer than the schema allows are cut to their maxLength first:
 * events from gateways that did not bound them yet (a client's 300-character model name) are then
 * stored instead of refused again.
 */
public final class DeadLetterReplay {

  /** What a replay did. */
  public record Result(long found, long replayed, long repaired) {
  }

  private final BrokerSettings settings;
  private final EventSchema schema = EventSchema.compile(EventParser.schema());

  public DeadLetterReplay(BrokerSettings settings) {
    this.settings = settings;
  }

  /** Blocking (a CLI or a worker thread): replays at most {@code max} messages. */
  public Result replay(long max, boolean repair) throws Exception {
    try (Connection connection = AmqpConnections.factory(settings.url()).newConnection("tollgate-dlq-replay");
         Channel channel = connection.createChannel()) {
      Topology.declare(channel, settings);
      channel.confirmSelect();
      long found = channel.queueDeclarePassive(settings.deadLetterQueue()).getMessageCount();
      long replayed = 0;
      long repaired = 0;
      while (replayed < Math.min(found, max)) {
        GetResponse message = channel.basicGet(settings.deadLetterQueue(), false);
        if (message == null) {
          break;
        }
        byte[] body = message.getBody();
        if (repair) {
          byte[] fixed = UsageMessages.BATCH_CONTENT_TYPE.equals(message.getProps().getContentType())
              ? repairedLines(body) : repaired(body);
          if (fixed != body) {
            repaired++;
            body = fixed;
          }
        }
        channel.basicPublish(settings.exchange(), Topology.ROUTING_KEY, true, properties(message.getProps()), body);
        channel.waitForConfirmsOrDie(10_000);
        channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
        replayed++;
      }
      return new Result(found, replayed, repaired);
    }
  }

  /** A whole batch (dead-lettered unread, or rejected): each line repaired alone. */
  private byte[] repairedLines(byte[] body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length);
    boolean changed = false;
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        if (i > start) {
          byte[] line = java.util.Arrays.copyOfRange(body, start, i);
          byte[] fixed = repaired(line);
          changed |= fixed != line;
          out.writeBytes(fixed);
          out.write('\n');
        }
        start = i + 1;
      }
    }
    return changed ? out.toByteArray() : body;
  }

  private byte[] repaired(byte[] body) {
    try {
      Object value = Buffer.buffer(body).toJsonValue();
      if (value instanceof JsonObject event) {
        JsonObject fixed = schema.truncateBounded(event);
        if (!fixed.equals(event)) {
          return fixed.encode().getBytes(StandardCharsets.UTF_8);
        }
      }
    } catch (RuntimeException notJson) {
      // replayed as it is: refused again, and back in the dead-letter queue
    }
    return body;
  }

  /**
   * The original properties, without the dead-lettering's headers (a new life starts clean); a
   * batch keeps its envelope headers.
   */
  private static AMQP.BasicProperties properties(AMQP.BasicProperties original) {
    Map<String, Object> headers = new HashMap<>();
    if (original.getHeaders() != null) {
      original.getHeaders().forEach((name, value) -> {
        if (!name.startsWith("x-death") && !name.startsWith("x-first-death") && !name.startsWith("x-last-death")
            && (!name.startsWith("x-tollgate-") || name.equals(UsageMessages.EVENTS_HEADER)
            || name.equals(UsageMessages.VERSION_HEADER))) {
          headers.put(name, value);
        }
      });
    }
    headers.put("x-tollgate-replayed", Boolean.TRUE);
    return original.builder().headers(headers).deliveryMode(2).build();
  }
}
