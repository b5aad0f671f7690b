package io.tollgate.gpu.signals;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutlierEjectionTest {

  private static final long MS = 1_000_000L;
  private static final EjectionPolicy POLICY = new EjectionPolicy(3, 100, 350);

  @Test
  void consecutiveFailuresEjectAndASuccessResetsTheCount() {
    OutlierEjection ejection = new OutlierEjection();
    assertFalse(ejection.failure(0, POLICY));
    assertFalse(ejection.failure(0, POLICY));
    ejection.success();
    assertFalse(ejection.failure(0, POLICY));
    assertFalse(ejection.failure(0, POLICY));
    assertTrue(ejection.active());
    assertTrue(ejection.failure(0, POLICY), "third in a row");
    assertEquals(OutlierEjection.Phase.EJECTED, ejection.phase());
    assertEquals(100, ejection.remainingMillis(0));
    assertFalse(ejection.failure(MS, POLICY), "already out: a straggler's failure changes nothing");
    assertEquals(1, ejection.ejections());
  }

  @Test
  void afterThePeriodExactlyOneProbeGoes() {
    OutlierEjection ejection = ejected();
    assertFalse(ejection.probeDue(99 * MS));
    assertFalse(ejection.tryStartProbe(99 * MS, 1_000));
    assertTrue(ejection.probeDue(100 * MS));
    assertTrue(ejection.tryStartProbe(100 * MS, 1_000));
    assertFalse(ejection.tryStartProbe(100 * MS, 1_000), "one probe at a time");
    assertFalse(ejection.active());
    ejection.success();
    assertTrue(ejection.active());
  }

  @Test
  void aFailedProbeEjectsForTwiceAsLongUpToTheCap() {
    OutlierEjection ejection = ejected();
    assertTrue(ejection.tryStartProbe(100 * MS, 1_000));
    assertTrue(ejection.failure(100 * MS, POLICY));
    assertEquals(200, ejection.remainingMillis(100 * MS));
    assertTrue(ejection.tryStartProbe(300 * MS, 1_000));
    assertTrue(ejection.failure(300 * MS, POLICY));
    assertEquals(350, ejection.remainingMillis(300 * MS), "capped");
    assertTrue(ejection.tryStartProbe(650 * MS, 1_000));
    ejection.success();
    assertTrue(ejection.active());
    for (int i = 0; i < 3; i++) {
      ejection.failure(700 * MS, POLICY);
    }
    assertEquals(100, ejection.remainingMillis(700 * MS), "a successful probe resets the backoff");
  }

  @Test
  void anUnansweredProbeIsGivenUpOnAfterItsTimeout() {
    OutlierEjection ejection = ejected();
    assertTrue(ejection.tryStartProbe(100 * MS, 50));
    assertFalse(ejection.tryStartProbe(149 * MS, 50));
    assertTrue(ejection.tryStartProbe(150 * MS, 50));
  }

  @Test
  void periodsDoubleFromTheBase() {
    EjectionPolicy policy = new EjectionPolicy(1, 1_000, 30_000);
    assertEquals(1_000, policy.periodMillis(1));
    assertEquals(2_000, policy.periodMillis(2));
    assertEquals(16_000, policy.periodMillis(5));
    assertEquals(30_000, policy.periodMillis(6));
    assertEquals(30_000, policy.periodMillis(200));
  }

  private static OutlierEjection ejected() {
    OutlierEjection ejection = new OutlierEjection();
    for (int i = 0; i < 3; i++) {
      ejection.failure(0, POLICY);
    }
    return ejection;
  }
}
