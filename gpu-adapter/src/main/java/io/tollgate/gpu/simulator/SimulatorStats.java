package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of the simulated engine.
 *
 * @param running            sequences admitted to the batch (including paused and stalled ones)
 * @param waiting            sequences queued for a batch slot or KV room
 * @param pausedStreams      running sequences held back because their client's write queue is full
 * @param completed          sequences that finished normally (stop or length)
 * @param aborted            sequences dropped because their client went away
 * @param promptTokens       prompt tokens of sequences that produced a first token
 * @param generationTokens   tokens generated
 * @param prefixCacheQueries prompt tokens looked up in the prefix cache
 * @param prefixCacheHits    of those, tokens found cached
 * @param errorsInjected     requests or streams failed on purpose by {@link SimulatorFaults}
 * @param kvCacheUsage       KV tokens held / capacity, 0..1
 * @param admissionRejections requests refused with 503 by the queue caps (maxNumQueuedReqs/Tokens)
 * @param endpoints          per API family label ("chat", "completions", "responses", "messages", "embeddings",
 *                           "rerank", "score", "transcriptions", "translations"): requests started and requests
 *                           aborted because their client went away (or, for Responses, were cancelled)
 */
public record SimulatorStats(int running, int waiting, int pausedStreams, long completed, long aborted,
    long promptTokens, long generationTokens, long prefixCacheQueries, long prefixCacheHits, long errorsInjected,
    double kvCacheUsage, long admissionRejections, Map<String, EndpointCounts> endpoints) {

  public SimulatorStats {
    endpoints = Map.copyOf(endpoints);
  }

  /** One API family's requests: started, and aborted by their client (each request once, whatever its n). */
  public record EndpointCounts(long requests, long aborted) {
  }

  /** The counts of one family label (zeros for a label never used). */
  public EndpointCounts endpoint(String label) {
    return endpoints.getOrDefault(label, new EndpointCounts(0, 0));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("running", running)
        .put("waiting", waiting)
        .put("pausedStreams", pausedStreams)
        .put("completed", completed)
        .put("aborted", aborted)
        .put("promptTokens", promptTokens)
        .put("generationTokens", generationTokens)
        .put("prefixCacheQueries", prefixCacheQueries)
        .put("prefixCacheHits", prefixCacheHits)
        .put("errorsInjected", errorsInjected)
        .put("kvCacheUsage", kvCacheUsage)
        .put("admissionRejections", admissionRejections)
        .put("endpoints", endpointsJson());
  }

  private JsonObject endpointsJson() {
    JsonObject out = new JsonObject();
    new TreeMap<>(endpoints).forEach((label, counts) -> out.put(label,
        new JsonObject().put("requests", counts.requests()).put("aborted", counts.aborted())));
    return out;
  }

  public static SimulatorStats fromJson(JsonObject json) {
    return new SimulatorStats(json.getInteger("running"), json.getInteger("waiting"),
        json.getInteger("pausedStreams"), json.getLong("completed"), json.getLong("aborted"),
        json.getLong("promptTokens"), json.getLong("generationTokens"), json.getLong("prefixCacheQueries"),
        json.getLong("prefixCacheHits"), json.getLong("errorsInjected"), json.getDouble("kvCacheUsage"),
        json.getLong("admissionRejections", 0L), endpointsFromJson(json.getJsonObject("endpoints")));
  }

  private static Map<String, EndpointCounts> endpointsFromJson(JsonObject json) {
    Map<String, EndpointCounts> out = new LinkedHashMap<>();
    if (json != null) {
      for (String label : json.fieldNames()) {
        JsonObject counts = json.getJsonObject(label);
        out.put(label, new EndpointCounts(counts.getLong("requests"), counts.getLong("aborted")));
      }
    }
    return out;
  }
}
