package io.tollgate.loadtest.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;

/** Command-line value formats: "inf" rates and human durations. */
public final class Converters {

  private Converters() {
  }

  /** A request rate: a number > 0, or inf / infinity (everything at t = 0). */
  public static final class Rate implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.equals("inf") || v.equals("infinity") || v.equals("+inf")) {
        return Double.POSITIVE_INFINITY;
      }
      try {
        double rate = Double.parseDouble(v);
        if (!(rate > 0)) {
          throw new TypeConversionException("request rate must be > 0 or inf: " + value);
        }
        return rate;
      } catch (NumberFormatException e) {
        throw new TypeConversionException("not a request rate (a number or inf): " + value);
      }
    }
  }

  /** 90 (seconds), 90s, 500ms, 2m, 1h, or ISO-8601 (PT90S). */
  public static final class HumanDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }
  }

  public static Duration parseDuration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      }
      double amount;
      long unitMillis;
      if (v.endsWith("s")) {
        amount = Double.parseDouble(v.substring(0, v.length() - 1).trim());
        unitMillis = 1000;
      } else if (v.endsWith("m")) {
        amount = Double.parseDouble(v.substring(0, v.length() - 1).trim());
        unitMillis = 60_000;
      } else if (v.endsWith("h")) {
        amount = Double.parseDouble(v.substring(0, v.length() - 1).trim());
        unitMillis = 3_600_000;
      } else {
        amount = Double.parseDouble(v);
        unitMillis = 1000;
      }
      if (!(amount > 0)) {
        throw new TypeConversionException("duration must be > 0: " + value);
      }
      return Duration.ofMillis(Math.round(amount * unitMillis));
    } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
      throw new TypeConversionException("not a duration (e.g. 90s, 2m, 500ms): " + value);
    }
  }
}
