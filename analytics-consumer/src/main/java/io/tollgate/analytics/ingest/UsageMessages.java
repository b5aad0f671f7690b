package io.tollgate.analytics.ingest;

import com.rabbitmq.client.AMQP;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Unpacks a usage message into its events. Gateways send a batch, many events to a message
 * (config/schemas/usage-batch.md): content type {@value #BATCH_CONTENT_TYPE}, one event JSON per
 * line, headers {@value #EVENTS_HEADER} and {@value #VERSION_HEADER}. Any other message is one event
 * (what gateways sent before batches, and what a dead-lettered event is), so old and new gateways can
 * publish side by side. Each event is parsed and judged alone: one invalid line does not spoil the
 * others.
 */
public final class UsageMessages {

  public static final String BATCH_CONTENT_TYPE = "application/x-ndjson";
  public static final String EVENTS_HEADER = "x-tollgate-events";
  public static final String VERSION_HEADER = "x-tollgate-batch-version";
  public static final int VERSION = 1;
  public static final String EVENT_CONTENT_TYPE = "application/json";

  /**
   * An event of a message: its own bytes (what is dead-lettered if it is refused) and what parsing
   * made of it. {@code wholeMessage}: the bytes are the message itself (a single event, or a batch
   * that cannot be read at all), so it is dead-lettered with the message's content type.
   */
  public record Event(byte[] body, EventParser.Parsed parsed, boolean wholeMessage) {
  }

  private UsageMessages() {
  }

  public static List<Event> unpack(EventParser parser, AMQP.BasicProperties properties, byte[] body) {
    String contentType = properties == null ? null : properties.getContentType();
    if (!BATCH_CONTENT_TYPE.equals(contentType)) {
      return List.of(new Event(body, parser.parse(body), true));
    }
    Object version = header(properties, VERSION_HEADER);
    if (version != null && !String.valueOf(VERSION).equals(String.valueOf(version))) {
      return List.of(whole(body, "a usage batch of version " + version + "; this consumer reads version " + VERSION));
    }
    List<Event> events = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        if (i > start && !blank(body, start, i)) {
          byte[] line = Arrays.copyOfRange(body, start, i);
          events.add(new Event(line, parser.parse(line), false));
        }
        start = i + 1;
      }
    }
    if (events.isEmpty()) {
      return List.of(whole(body, "a usage batch without events"));
    }
    return events;
  }

  private static Event whole(byte[] body, String reason) {
    return new Event(body, EventParser.Parsed.poison(reason), true);
  }

  private static Object header(AMQP.BasicProperties properties, String name) {
    Map<String, Object> headers = properties.getHeaders();
    return headers == null ? null : headers.get(name);
  }

  private static boolean blank(byte[] body, int from, int to) {
    for (int i = from; i < to; i++) {
      if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') {
        return false;
      }
    }
    return true;
  }
}
