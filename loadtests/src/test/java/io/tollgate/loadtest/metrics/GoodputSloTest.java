package io.tollgate.loadtest.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoodputSloTest {

  @Test
  void parsesVllmSyntax() {
    GoodputSlo slo = GoodputSlo.parse(List.of("ttft:500", "tpot:50.5", "e2el:3000"));
    assertEquals(500, slo.ttftMs());
    assertEquals(50.5, slo.tpotMs());
    assertEquals(3000, slo.e2elMs());
    assertEquals("ttft:500 tpot:50.5 e2el:3000", slo.toString());
    assertEquals(slo, GoodputSlo.parse(List.of("ttft:500 tpot:50.5,e2el:3000")));
  }

  @Test
  void unsetMeansNoConstraint() {
    GoodputSlo slo = GoodputSlo.parse(List.of("ttft:100"));
    assertTrue(slo.isGood(100, 1e9, 1e9));
    assertFalse(slo.isGood(100.01, 0, 0));
    assertFalse(GoodputSlo.parse(null).isSet());
  }

  @Test
  void rejectsBadInput() {
    assertThrows(IllegalArgumentException.class, () -> GoodputSlo.parse(List.of("latency:5")));
    assertThrows(IllegalArgumentException.class, () -> GoodputSlo.parse(List.of("ttft")));
    assertThrows(IllegalArgumentException.class, () -> GoodputSlo.parse(List.of("ttft:-1")));
    assertThrows(IllegalArgumentException.class, () -> GoodputSlo.parse(List.of("ttft:abc")));
  }
}
