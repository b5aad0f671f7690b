package io.tollgate.loadtest.result;

import io.vertx.core.json.JsonObject;

/** Where a run happened: figures from a 2-core laptop and a 64-core server are not comparable. */
public record Machine(int cores, String os, String arch, String java, long maxHeapMb) {

  public static Machine current() {
    return new Machine(Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / 1048576);
  }

  public JsonObject toJson() {
    return new JsonObject().put("cores", cores).put("os", os).put("arch", arch).put("java", java)
        .put("harnessMaxHeapMb", maxHeapMb);
  }

  public static Machine fromJson(JsonObject json) {
    if (json == null) {
      return new Machine(0, "?", "?", "?", 0);
    }
    return new Machine(json.getInteger("cores", 0), json.getString("os", "?"), json.getString("arch", "?"),
        json.getString("java", "?"), json.getLong("harnessMaxHeapMb", 0L));
  }
}
