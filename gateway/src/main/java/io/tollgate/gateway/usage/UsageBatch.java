package io.tollgate.gateway.usage;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.MessageProperties;

import java.util.List;
import java.util.Map;

/**
 * The wire format of a usage message (config/schemas/usage-batch.md): many events in one AMQP
 * message, one event JSON per line (NDJSON), so one publish and one confirm carry the lot and the
 * broker's work is per message, not per event. The consumer also takes a single event as plain
 * {@code application/json} (what gateways sent before), so both can run side by side.
 */
public final class UsageBatch {

  public static final String CONTENT_TYPE = "application/x-ndjson";
  /** Header: how many events the message holds (a check on the lines, and what the metrics count). */
  public static final String EVENTS_HEADER = "x-tollgate-events";
  /** Header: the envelope's version; a consumer dead-letters a version it does not know. */
  public static final String VERSION_HEADER = "x-tollgate-batch-version";
  public static final int VERSION = 1;

  private UsageBatch() {
  }

  /** The events' JSON, each followed by a newline. */
  public static byte[] body(List<byte[]> events) {
    int size = 0;
    for (byte[] event : events) {
      size += event.length + 1;
    }
    byte[] body = new byte[size];
    int at = 0;
    for (byte[] event : events) {
      System.arraycopy(event, 0, body, at, event.length);
      at += event.length;
      body[at++] = '\n';
    }
    return body;
  }

  /** Persistent, with the content type and the envelope's headers. */
  public static AMQP.BasicProperties properties(int events) {
    return MessageProperties.PERSISTENT_BASIC.builder()
        .contentType(CONTENT_TYPE)
        .type("tollgate.usage")
        .headers(Map.of(EVENTS_HEADER, events, VERSION_HEADER, VERSION))
        .build();
  }

  /**
   * How many of {@code lines}, from {@code from}, go in the next message: at most {@code maxEvents}
   * and {@code maxBytes} of body, but always at least one (an event larger than the limit goes alone).
   */
  static int nextChunk(List<byte[]> lines, int from, int maxEvents, long maxBytes) {
    long bytes = 0;
    int end = from;
    while (end < lines.size() && end - from < maxEvents) {
      long next = bytes + lines.get(end).length + 1;
      if (end > from && next > maxBytes) {
        break;
      }
      bytes = next;
      end++;
    }
    return end - from;
  }
}
