package io.tollgate.loadtest.gateway;

import java.util.ArrayList;
import java.util.List;

/** The Prometheus text exposition format, read just enough: one sample per line, comments skipped. */
public final class PrometheusText {

  /** One sample: metric name, the raw label text between braces (may be empty), value. */
  public record Sample(String name, String labels, double value) {
    public boolean hasLabel(String key, String value) {
      return labels.contains(key + "=\"" + value + "\"");
    }
  }

  private PrometheusText() {
  }

  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name;
      String labels = "";
      String rest;
      if (brace >= 0 && (space < 0 || brace < space)) {
        int close = line.lastIndexOf('}');
        if (close < brace) {
          continue;
        }
        name = line.substring(0, brace);
        labels = line.substring(brace + 1, close);
        rest = line.substring(close + 1).strip();
      } else if (space > 0) {
        name = line.substring(0, space);
        rest = line.substring(space + 1).strip();
      } else {
        continue;
      }
      String valueText = rest.split("\\s+")[0];
      double value;
      try {
        value = switch (valueText) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(valueText);
        };
      } catch (NumberFormatException e) {
        continue;
      }
      samples.add(new Sample(name, labels, value));
    }
    return samples;
  }
}
