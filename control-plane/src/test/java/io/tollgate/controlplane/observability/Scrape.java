package io.tollgate.controlplane.observability;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One {@code GET /metrics} of a running control plane, as series → value (no token sent). */
public record Scrape(String text, Map<String, Double> series) {

  private static final Pattern SAMPLE = Pattern.compile(
      "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^}\"]|\"(?:[^\"\\\\]|\\\\.)*\")*})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  public static Scrape of(RunningControlPlane cp) throws Exception {
    Reply reply = cp.get("/metrics", null);
    assertEquals(200, reply.status(), reply.body());
    return parse(reply.body());
  }

  /** A Prometheus text exposition however it was fetched (e.g. over a raw socket). */
  public static Scrape parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        series.put(m.group(1) + canonical(m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return new Scrape(text, series);
  }

  /** Scrapes until {@code done} holds or 5 s passed (a response's end handler may run just after the client read it). */
  static Scrape until(RunningControlPlane cp, Predicate<Scrape> done) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    Scrape scrape = of(cp);
    while (!done.test(scrape) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      scrape = of(cp);
    }
    return scrape;
  }

  /** The value of {@code name} with exactly these labels ("k", "v", ...); null when absent. */
  Double value(String name, String... labels) {
    StringBuilder key = new StringBuilder(name);
    if (labels.length > 0) {
      Map<String, String> sorted = new java.util.TreeMap<>();
      for (int i = 0; i < labels.length; i += 2) {
        sorted.put(labels[i], labels[i + 1]);
      }
      key.append(format(sorted));
    }
    return series.get(key.toString());
  }

  public double valueOrZero(String name, String... labels) {
    Double value = value(name, labels);
    return value == null ? 0 : value;
  }

  /** The names of the samples (a histogram's _bucket, _count, _sum, _max each). */
  Set<String> names() {
    Set<String> names = new TreeSet<>();
    series.keySet().forEach(key -> names.add(key.contains("{") ? key.substring(0, key.indexOf('{')) : key));
    return names;
  }

  /** Every value label {@code label} takes on the samples of {@code name}. */
  public Set<String> labelValues(String name, String label) {
    Set<String> values = new TreeSet<>();
    for (String key : series.keySet()) {
      if (key.startsWith(name + "{")) {
        Matcher m = LABEL.matcher(key);
        while (m.find()) {
          if (m.group(1).equals(label)) {
            values.add(m.group(2));
          }
        }
      }
    }
    return values;
  }

  private static String canonical(String labels) {
    if (labels == null) {
      return "";
    }
    Map<String, String> sorted = new java.util.TreeMap<>();
    Matcher m = LABEL.matcher(labels);
    while (m.find()) {
      sorted.put(m.group(1), m.group(2));
    }
    return format(sorted);
  }

  private static String format(Map<String, String> labels) {
    StringBuilder out = new StringBuilder("{");
    labels.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
    return out.append('}').toString();
  }
}
