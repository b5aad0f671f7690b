package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The Responses API's stream: typed events ({@code event: response.output_text.delta} …), each
 * with a {@code sequence_number}; the usage only in the last one, {@code response.completed} (or
 * OpenAI's {@code response.incomplete} / {@code response.failed}); no {@code [DONE]}. Everything is
 * forwarded as it came. The opening {@code response.created} is kept: if the backend cuts the
 * stream, the gateway ends it with a {@code response.failed} event for that response.
 */
final class ResponseEvents extends StreamEvents {

  private static final byte[] CREATED = ascii("response.created");
  private static final byte[] COMPLETED = ascii("response.completed");
  private static final byte[] INCOMPLETE = ascii("response.incomplete");
  private static final byte[] FAILED = ascii("response.failed");
  private static final byte[] ERROR = ascii("error");
  private static final byte[] DELTA = ascii(".delta");

  private JsonObject created;
  private int events;

  @Override
  boolean classify(byte[] bytes, Buffer data, int start, int end) {
    int type = typeStart(bytes, start, end);
    if (type < 0) {
      return true; // a comment or keep-alive
    }
    events++;
    int typeEnd = ByteScan.indexOf(bytes, type, end, (byte) '\n');
    if (typeEnd > type && bytes[typeEnd - 1] == '\r') {
      typeEnd--;
    }
    if (typeEnd - DELTA.length >= type && startsWith(bytes, typeEnd - DELTA.length, end, DELTA)) {
      tokenChunks++;
      textChunks++;
      return true;
    }
    if (isType(bytes, type, end, CREATED)) {
      created = dataOf(bytes, data, start, end).getJsonObject("response");
    } else if (isType(bytes, type, end, COMPLETED) || isType(bytes, type, end, INCOMPLETE)
        || isType(bytes, type, end, FAILED)) {
      JsonObject response = dataOf(bytes, data, start, end).getJsonObject("response");
      ended = true;
      if (response != null) {
        usage = response.getJsonObject("usage");
        if (response.getValue("error") instanceof JsonObject failure) {
          errorEvent = true;
          error = failure;
        }
      }
    } else if (isType(bytes, type, end, ERROR)) {
      errorEvent = true;
      JsonObject json = dataOf(bytes, data, start, end);
      error = json.getValue("error") instanceof JsonObject nested ? nested : json;
    }
    return true;
  }


  /** The response as {@code response.created} described it, or null before it came. */
  @Override
  public JsonObject openingResponse() {
    return created;
  }

  /** The next event's {@code sequence_number} (events are numbered from 0 across the stream). */
  @Override
  public int nextSequenceNumber() {
    return events;
  }
}
