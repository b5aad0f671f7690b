package io.tollgate.gpu.simulator;

/** Helpers for the Prometheus text exposition format (0.0.4). */
final class PrometheusText {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {
  }

  /** Numbers as prometheus_client writes them: integral values with ".0". */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return (long) value + ".0";
    }
    return Double.toString(value);
  }

  static String labelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static void gauge(StringBuilder out, String name, String help, String labels, double value) {
    header(out, name, help, "gauge");
    out.append(name).append('{').append(labels).append("} ").append(number(value)).append('\n');
  }

  static void counter(StringBuilder out, String name, String help, String labels, double value) {
    header(out, name, help, "counter");
    sample(out, name, labels, value);
  }

  static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  static void sample(StringBuilder out, String name, String labels, double value) {
    out.append(name).append('{').append(labels).append("} ").append(number(value)).append('\n');
  }
}
