package io.tollgate.logging;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC, the fraction in groups of three digits, none
 * when zero), built from the date and time of the second, which each thread remembers, and the
 * digits of the fraction. Every access-log line and usage event carries a timestamp, and the JDK's
 * formatter was a tenth of each writer thread's time; the same second comes thousands of times.
 */
public final class IsoInstants {

  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  /** The last second a thread formatted, and its text. */
  private static final class Second {
    long epochSecond = Long.MIN_VALUE;
    String text;
  }

  private static final ThreadLocal<Second> LAST = ThreadLocal.withInitial(Second::new);

  private IsoInstants() {
  }

  /** Equals {@code instant.toString()} for the years 0 to 9999. */
  public static String format(Instant instant) {
    long epochSecond = instant.getEpochSecond();
    if (epochSecond < -62_167_219_200L || epochSecond >= 253_402_300_800L) {
      return instant.toString(); // outside 0000..9999 the JDK adds signs and digits: its own text
    }
    Second last = LAST.get();
    if (last.epochSecond != epochSecond) {
      last.epochSecond = epochSecond;
      last.text = SECOND.format(instant);
    }
    int nanos = instant.getNano();
    if (nanos == 0) {
      return last.text + 'Z';
    }
    StringBuilder text = new StringBuilder(last.text.length() + 11).append(last.text).append('.');
    if (nanos % 1_000_000 == 0) {
      digits(text, nanos / 1_000_000, 3);
    } else if (nanos % 1_000 == 0) {
      digits(text, nanos / 1_000, 6);
    } else {
      digits(text, nanos, 9);
    }
    return text.append('Z').toString();
  }

  /** Equals {@code Instant.ofEpochMilli(millis).toString()} for the years 0 to 9999. */
  public static String ofEpochMilli(long millis) {
    return format(Instant.ofEpochMilli(millis));
  }

  private static void digits(StringBuilder text, int value, int width) {
    String number = Integer.toString(value);
    for (int pad = width - number.length(); pad > 0; pad--) {
      text.append('0');
    }
    text.append(number);
  }
}
