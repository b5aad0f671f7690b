package io.tollgate.loadtest.arrival;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gamma gaps with shape k = burstiness, scale 1/(rate·k): mean 1/rate always, variance 1/(rate²·k). */
class ArrivalProcessTest {

  private static final int SAMPLES = 200_000;

  private static double[] meanAndVariance(double rate, double burstiness) {
    ArrivalProcess process = new ArrivalProcess(rate, burstiness, 42);
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < SAMPLES; i++) {
      double gap = process.nextGapSeconds();
      assertTrue(gap >= 0);
      sum += gap;
      sumSq += gap * gap;
    }
    double mean = sum / SAMPLES;
    return new double[] {mean, sumSq / SAMPLES - mean * mean};
  }

  @Test
  void poissonHasTheAskedMeanRate() {
    double[] mv = meanAndVariance(20, 1);
    assertEquals(20, 1 / mv[0], 20 * 0.01, "mean rate");
    assertEquals(1.0 / (20 * 20), mv[1], 1.0 / (20 * 20) * 0.03, "exponential gaps: variance = mean²");
  }

  @Test
  void burstinessChangesTheVarianceNotTheMean() {
    double rate = 50;
    for (double burstiness : new double[] {0.25, 0.5, 2, 8}) {
      double[] mv = meanAndVariance(rate, burstiness);
      assertEquals(rate, 1 / mv[0], rate * 0.015, "mean rate at burstiness " + burstiness);
      double expectedVariance = 1 / (rate * rate * burstiness);
      assertEquals(expectedVariance, mv[1], expectedVariance * 0.05, "variance at burstiness " + burstiness);
    }
    assertTrue(meanAndVariance(rate, 0.5)[1] > meanAndVariance(rate, 2)[1] * 3, "lower burstiness, burstier");
  }

  @Test
  void infiniteRateSendsEverythingAtOnce() {
    ArrivalProcess process = new ArrivalProcess(Double.POSITIVE_INFINITY, 1, 1);
    assertTrue(process.allAtOnce());
    assertEquals(0, process.nextGapNanos());
  }

  @Test
  void sameSeedSameSchedule() {
    ArrivalProcess a = new ArrivalProcess(5, 0.7, 9);
    ArrivalProcess b = new ArrivalProcess(5, 0.7, 9);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.nextGapNanos(), b.nextGapNanos());
    }
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new ArrivalProcess(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new ArrivalProcess(1, 0, 1));
  }
}
