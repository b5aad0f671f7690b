package io.tollgate.analytics.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A half-open range {@code [from, to)} from the {@code from} and {@code to} query parameters:
 * RFC 3339 times (2025-03-01T12:00:00Z, offsets allowed) or dates (2025-03-01 = midnight UTC).
 */
public record TimeRange(Instant from, Instant to) {

  /** Wider ranges are refused rather than scanned: ten years. */
  static final Duration MAX_SPAN = Duration.ofDays(3_660);

  public static TimeRange parse(String from, String to) {
    Instant start = instant("from", from);
    Instant end = instant("to", to);
    if (!start.isBefore(end)) {
      throw ApiError.badRequest("invalid_range", "from (" + start + ") must be before to (" + end + ")");
    }
    if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
      throw ApiError.badRequest("invalid_range", "the range spans more than " + MAX_SPAN.toDays() + " days");
    }
    return new TimeRange(start, end);
  }

  private static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) {
      throw ApiError.badRequest("missing_parameter", "query parameter '" + name
          + "' is required (RFC 3339 time such as 2025-03-01T00:00:00Z, or a date such as 2025-03-01)");
    }
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("invalid_parameter", "query parameter '" + name + "' is not a time: \"" + value
          + "\" (use RFC 3339 such as 2025-03-01T00:00:00Z, or a date such as 2025-03-01)");
    }
  }

  public OffsetDateTime fromUtc() {
    return from.atOffset(ZoneOffset.UTC);
  }

  public OffsetDateTime toUtc() {
    return to.atOffset(ZoneOffset.UTC);
  }
}
