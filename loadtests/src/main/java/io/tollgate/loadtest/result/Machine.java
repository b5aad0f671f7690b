package io.tollgate.loadtest.result;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run happened: figures from a 2-core laptop and a 64-core server are not comparable, and neither are
 * figures from a quiet machine and a busy one (the 1-minute load average before and after tells which).
 */
public record Machine(int cores, String os, String arch, String java, long maxHeapMb, double loadAverageBefore,
    double loadAverageAfter) {

  /** The machine now; {@code loadAverageBefore} as read when the run started. */
  public static Machine current(double loadAverageBefore) {
    return new Machine(Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / 1048576, loadAverageBefore, loadAverage());
  }

  /** The 1-minute load average from /proc/loadavg, NaN where there is none. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("cores", cores).put("os", os).put("arch", arch).put("java", java)
        .put("harnessMaxHeapMb", maxHeapMb).put("loadAverageBefore", JsonNumbers.finite(loadAverageBefore))
        .put("loadAverageAfter", JsonNumbers.finite(loadAverageAfter));
  }

  public static Machine fromJson(JsonObject json) {
    if (json == null) {
      return new Machine(0, "?", "?", "?", 0, Double.NaN, Double.NaN);
    }
    return new Machine(json.getInteger("cores", 0), json.getString("os", "?"), json.getString("arch", "?"),
        json.getString("java", "?"), json.getLong("harnessMaxHeapMb", 0L), JsonNumbers.read(json, "loadAverageBefore"),
        JsonNumbers.read(json, "loadAverageAfter"));
  }
}
