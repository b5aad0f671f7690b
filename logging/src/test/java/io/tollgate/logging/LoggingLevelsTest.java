package io.tollgate.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TOLLGATE_LOG_LEVELS: per-logger levels an operator sets, e.g. the access log off. */
class LoggingLevelsTest {

  private static final List<String> NAMES = List.of("test.levels.access", "test.levels.netty", "test.levels.debug",
      "test.levels.collected", "test.levels.untouched");

  @AfterEach
  void reset() {
    NAMES.forEach(name -> Logger.getLogger(name).setLevel(null));
  }

  @Test
  void setsEachLoggersLevelWithOperatorsNamesForThem() {
    Logging.levels(" test.levels.access=OFF, test.levels.netty=warn,test.levels.debug=DEBUG ");

    assertFalse(Logger.getLogger("test.levels.access").isLoggable(Level.SEVERE), "OFF: nothing is written");
    assertEquals(Level.WARNING, Logger.getLogger("test.levels.netty").getLevel());
    assertEquals(Level.FINE, Logger.getLogger("test.levels.debug").getLevel());
    assertTrue(Logger.getLogger("test.levels.debug").isLoggable(Level.FINE));
  }

  @Test
  void aLevelOutlivesTheCollectionOfItsLogger() {
    Logging.levels("test.levels.collected=SEVERE");
    // JUL keeps loggers weakly: unless held, the logger (and the level set on it) could go.
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertEquals(Level.SEVERE, Logger.getLogger("test.levels.collected").getLevel());
  }

  @Test
  void aMalformedEntryIsRefusedByNameAndNothingIsSet() {
    for (String spec : List.of("test.levels.untouched=OFF,test.levels.netty", "test.levels.untouched=OFF,x=LOUD",
        "test.levels.untouched=OFF,=INFO", "test.levels.untouched=OFF,x=")) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Logging.levels(spec), spec);
      assertTrue(refused.getMessage().startsWith(Logging.LEVELS_ENV + ": '"), refused.getMessage());
      assertTrue(refused.getMessage().contains(spec.substring(spec.indexOf(',') + 1)), refused.getMessage());
      assertNull(Logger.getLogger("test.levels.untouched").getLevel(), "an invalid spec sets no level: " + spec);
    }
  }

  @Test
  void unsetOrBlankChangesNothing() {
    Logging.levels(null);
    Logging.levels("  ");
    assertNull(Logger.getLogger("test.levels.untouched").getLevel());
  }
}
