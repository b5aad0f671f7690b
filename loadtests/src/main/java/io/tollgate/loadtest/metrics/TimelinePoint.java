package io.tollgate.loadtest.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** One second of a {@link Timeline}, as read back from a result file. */
public record TimelinePoint(int t, int completed, int failed, long outputTokens, int inFlight) {

  public static List<TimelinePoint> fromJson(JsonArray array) {
    List<TimelinePoint> points = new ArrayList<>();
    if (array == null) {
      return points;
    }
    for (int i = 0; i < array.size(); i++) {
      JsonObject o = array.getJsonObject(i);
      points.add(new TimelinePoint(o.getInteger("t", i), o.getInteger("completed", 0), o.getInteger("failed", 0),
          o.getLong("outputTokens", 0L), o.getInteger("inFlight", 0)));
    }
    return points;
  }

  public static JsonArray toJson(List<TimelinePoint> points) {
    JsonArray array = new JsonArray();
    for (TimelinePoint p : points) {
      array.add(new JsonObject().put("t", p.t).put("completed", p.completed).put("failed", p.failed)
          .put("outputTokens", p.outputTokens).put("inFlight", p.inFlight));
    }
    return array;
  }
}
