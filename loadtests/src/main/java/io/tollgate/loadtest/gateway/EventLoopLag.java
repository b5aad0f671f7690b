package io.tollgate.loadtest.gateway;

import io.tollgate.loadtest.gateway.PrometheusText.Sample;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The gateway's event-loop lag as its Prometheus endpoint shows it, whatever it is called: any metric whose
 * name contains {@code event_loop} (or {@code eventloop}) and {@code lag} or {@code delay}. Gauges, maxima
 * and summary quantiles give the current lag (the largest is taken); a histogram's or summary's
 * {@code _sum}/{@code _count} give a mean over an interval. Units come from the name (seconds, ms, µs, ns).
 *
 * @param currentMs   the largest gauge-like value in ms, NaN when none
 * @param sumMs       total of {@code _sum} samples in ms (0 when none)
 * @param count       total of {@code _count} samples
 * @param metricNames the matching metric names seen
 */
public record EventLoopLag(double currentMs, double sumMs, double count, Set<String> metricNames) {

  public static EventLoopLag from(List<Sample> samples) {
    double current = Double.NaN;
    double sum = 0;
    double count = 0;
    Set<String> names = new TreeSet<>();
    for (Sample s : samples) {
      String name = s.name().toLowerCase(Locale.ROOT);
      if (!matches(name) || Double.isNaN(s.value()) || Double.isInfinite(s.value())) {
        continue;
      }
      names.add(s.name());
      if (name.endsWith("_bucket") || name.endsWith("_created")) {
        continue;
      }
      if (name.endsWith("_count")) {
        count += s.value();
      } else if (name.endsWith("_sum")) {
        sum += toMillis(name, s.value());
      } else {
        double ms = toMillis(name, s.value());
        current = Double.isNaN(current) ? ms : Math.max(current, ms);
      }
    }
    return new EventLoopLag(current, sum, count, names);
  }

  public boolean found() {
    return !metricNames.isEmpty();
  }

  static boolean matches(String lowerName) {
    boolean loop = lowerName.contains("event_loop") || lowerName.contains("eventloop");
    return loop && (lowerName.contains("lag") || lowerName.contains("delay"));
  }

  static double toMillis(String lowerName, double value) {
    if (lowerName.contains("nanos") || lowerName.contains("_ns")) {
      return value / 1e6;
    }
    if (lowerName.contains("micro") || lowerName.contains("_us")) {
      return value / 1e3;
    }
    if (lowerName.contains("millis") || lowerName.contains("_ms")) {
      return value;
    }
    if (lowerName.contains("second")) {
      return value * 1e3;
    }
    return value; // no unit in the name: Vert.x and Micrometer conventions are ms
  }
}
