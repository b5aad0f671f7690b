package io.tollgate.gpu.simulator;

/** A Prometheus histogram with fixed buckets, written and rendered on the simulator's event loop only. */
final class Histogram {

  private final String name;
  private final String help;
  private final double[] bounds;
  private final long[] counts;
  private double sum;
  private long count;

  Histogram(String name, String help, double[] bounds) {
    this.name = name;
    this.help = help;
    this.bounds = bounds.clone();
    this.counts = new long[bounds.length + 1];
  }

  void observe(double value) {
    int i = 0;
    while (i < bounds.length && value > bounds[i]) {
      i++;
    }
    counts[i]++;
    sum += value;
    count++;
  }

  long count() {
    return count;
  }

  void render(StringBuilder out, String labels) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += counts[i];
      bucket(out, labels, PrometheusText.number(bounds[i]), cumulative);
    }
    bucket(out, labels, "+Inf", count);
    out.append(name).append("_count{").append(labels).append("} ").append(PrometheusText.number(count)).append('\n');
    out.append(name).append("_sum{").append(labels).append("} ").append(PrometheusText.number(sum)).append('\n');
  }

  private void bucket(StringBuilder out, String labels, String le, long value) {
    out.append(name).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
        .append(PrometheusText.number(value)).append('\n');
  }

  /** vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50… up to max. */
  static double[] oneTwoFive(int max) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    int[] mantissas = {1, 2, 5};
    for (long exponent = 1; ; exponent *= 10) {
      for (int m : mantissas) {
        long value = m * exponent;
        if (value > max) {
          return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
        out.add((double) value);
      }
    }
  }
}
