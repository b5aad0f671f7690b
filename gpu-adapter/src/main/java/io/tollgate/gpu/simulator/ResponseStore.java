package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's in-process Responses store: the latest object of each stored response, the conversation a
 * {@code previous_response_id} continues, and the running call of a background response (for cancel). vLLM
 * never evicts; the simulator keeps the newest {@value #CAPACITY} so that a load test cannot exhaust its heap.
 * Event loop only.
 */
final class ResponseStore {

  static final int CAPACITY = 100_000;

  /** A stored response; {@code running} is the call of a background response still generating, else null. */
  record Entry(JsonObject response, JsonArray conversation, ResponsesCall running) {
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > CAPACITY;
    }
  };

  Entry get(String id) {
    return entries.get(id);
  }

  void put(String id, Entry entry) {
    entries.put(id, entry);
  }

  /** vLLM's 404 for an id it does not hold (unknown, not stored, or the store off). */
  static ApiError notFound(String id) {
    return new ApiError(404, "Response with id '" + id + "' not found.", "response_id", "invalid_request_error");
  }
}
