package io.tollgate.loadtest.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimelineTest {

  private static final long S = 1_000_000_000L;

  @Test
  void quietSecondsKeepTheStreamsInFlight() {
    Timeline t = new Timeline(0);
    t.inFlight(S / 10, 5);        // second 0: 5 streams open
    t.inFlight(S / 5, 3);         // ... 2 of them end
    t.completed(S / 5);
    t.streamed(S / 2, new long[] {400_000, 400_000}, 2, 9); // chunks at 0.5, 0.9 and 1.3 s, 3 tokens each
    t.inFlight(3 * S + 1, 2);     // second 3: one more ends; seconds 1 and 2 saw nothing
    List<TimelinePoint> points = TimelinePoint.fromJson(t.toJson());
    assertEquals(List.of(5, 3, 3, 3), points.stream().map(TimelinePoint::inFlight).toList());
    assertEquals(6, points.get(0).outputTokens());
    assertEquals(3, points.get(1).outputTokens());
  }
}
