package io.tollgate.analytics.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Rollup buckets: an hour or a (UTC) day; each reads its own rollup table. */
public enum Granularity {
  HOUR("usage_hourly", ChronoUnit.HOURS),
  DAY("usage_daily", ChronoUnit.DAYS);

  /** More buckets than this in one answer are refused (a year of hours is 8,784). */
  static final long MAX_BUCKETS = 10_000;

  private final String table;
  private final ChronoUnit unit;

  Granularity(String table, ChronoUnit unit) {
    this.table = table;
    this.unit = unit;
  }

  public static Granularity parse(String value) {
    if (value == null || value.isBlank()) {
      throw ApiError.badRequest("missing_parameter", "query parameter 'granularity' is required: hour or day");
    }
    return switch (value) {
      case "hour" -> HOUR;
      case "day" -> DAY;
      default -> throw ApiError.badRequest("invalid_granularity",
          "granularity must be hour or day, got \"" + value + "\"");
    };
  }

  String table() {
    return table;
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Buckets are whole hours or days, so a range must start and end on their edges: then the sums
   * over the buckets are exactly the sums over the raw rows of the range.
   */
  void checkAligned(TimeRange range) {
    for (Instant edge : new Instant[] {range.from(), range.to()}) {
      if (!edge.truncatedTo(unit).equals(edge)) {
        throw ApiError.badRequest("unaligned_range", "with granularity=" + label() + ", from and to must fall on "
            + (this == HOUR ? "a whole hour" : "midnight UTC") + "; got " + edge);
      }
    }
    long buckets = Duration.between(range.from(), range.to()).dividedBy(unit.getDuration());
    if (buckets > MAX_BUCKETS) {
      throw ApiError.badRequest("invalid_range", "the range holds " + buckets + " " + label() + " buckets; at most "
          + MAX_BUCKETS + " (use granularity=day or a shorter range)");
    }
  }
}
