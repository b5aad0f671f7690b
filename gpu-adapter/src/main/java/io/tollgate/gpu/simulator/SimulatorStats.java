package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonObject;

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
 */
public record SimulatorStats(int running, int waiting, int pausedStreams, long completed, long aborted,
    long promptTokens, long generationTokens, long prefixCacheQueries, long prefixCacheHits, long errorsInjected,
    double kvCacheUsage) {

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
        .put("kvCacheUsage", kvCacheUsage);
  }

  public static SimulatorStats fromJson(JsonObject json) {
    return new SimulatorStats(json.getInteger("running"), json.getInteger("waiting"),
        json.getInteger("pausedStreams"), json.getLong("completed"), json.getLong("aborted"),
        json.getLong("promptTokens"), json.getLong("generationTokens"), json.getLong("prefixCacheQueries"),
        json.getLong("prefixCacheHits"), json.getLong("errorsInjected"), json.getDouble("kvCacheUsage"));
  }
}
