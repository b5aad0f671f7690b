package io.tollgate.gpu.signals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextParserTest {

  record Sample(String name, Map<String, String> labels, double value) {
  }

  static final class Collector implements PrometheusTextParser.Listener {
    final List<Sample> samples = new ArrayList<>();
    final List<String> asked = new ArrayList<>();
    private final Predicate<String> wanted;

    Collector(Predicate<String> wanted) {
      this.wanted = wanted;
    }

    @Override
    public boolean wants(String metricName) {
      asked.add(metricName);
      return wanted.test(metricName);
    }

    @Override
    public void sample(String metricName, Map<String, String> labels, double value) {
      samples.add(new Sample(metricName, labels, value));
    }
  }

  private static final String PAGE = """
      # HELP vllm:num_requests_running Number of requests in model execution batches.
      # TYPE vllm:num_requests_running gauge
      vllm:num_requests_running{model_name="m",engine="0"} 3.0
      vllm:num_requests_waiting{engine="0",model_name="m"} 7
      vllm:kv_cache_usage_perc{model_name="a \\"quoted\\", comma, } brace\\\\ and\\nnewline",engine="0"} 0.25 1712345678000
      vllm:weird{} NaN
      vllm:inf +Inf
      vllm:neg -Inf

      vllm:spaced { model_name = "m" , engine="1" }   4.5e-1
      http_requests_total{code="200"} 1027
      """;

  private static List<Sample> parse(String text, int splitEvery) {
    Collector collector = new Collector(name -> name.startsWith("vllm:"));
    PrometheusTextParser parser = new PrometheusTextParser(collector);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += splitEvery) {
      parser.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(splitEvery, bytes.length - i)));
    }
    parser.end();
    return collector.samples;
  }

  @Test
  void readsNamesLabelsValuesAndSkipsComments() {
    List<Sample> samples = parse(PAGE, Integer.MAX_VALUE);
    assertEquals(7, samples.size(), samples.toString());
    assertEquals(new Sample("vllm:num_requests_running", Map.of("model_name", "m", "engine", "0"), 3.0), samples.get(0));
    assertEquals(7.0, samples.get(1).value());
    assertEquals("a \"quoted\", comma, } brace\\ and\nnewline", samples.get(2).labels().get("model_name"));
    assertEquals(0.25, samples.get(2).value(), "the timestamp is not the value");
    assertTrue(Double.isNaN(samples.get(3).value()));
    assertEquals(Map.of(), samples.get(3).labels());
    assertEquals(Double.POSITIVE_INFINITY, samples.get(4).value());
    assertEquals(Double.NEGATIVE_INFINITY, samples.get(5).value());
    assertEquals(new Sample("vllm:spaced", Map.of("model_name", "m", "engine", "1"), 0.45), samples.get(6));
  }

  @Test
  void givesTheSameSamplesWhereverTheBuffersSplitTheLines() {
    List<Sample> whole = parse(PAGE, Integer.MAX_VALUE);
    for (int split = 1; split < 64; split++) {
      assertEquals(whole, parse(PAGE, split), "split every " + split + " bytes");
    }
  }

  @Test
  void decodesOnlyWantedMetrics() {
    Collector collector = new Collector("vllm:num_requests_waiting"::equals);
    PrometheusTextParser parser = new PrometheusTextParser(collector);
    parser.feed(Buffer.buffer(PAGE));
    parser.end();
    assertEquals(1, collector.samples.size());
    assertTrue(collector.asked.contains("http_requests_total"));
    assertTrue(collector.asked.stream().noneMatch(name -> name.startsWith("#")), "comments are not asked about");
  }

  @Test
  void skipsALineOverTheBoundAndGoesOn() {
    Collector collector = new Collector(name -> true);
    PrometheusTextParser parser = new PrometheusTextParser(collector, 64);
    parser.feed(Buffer.buffer("a{x=\"" + "y".repeat(500) + "\"} 1\nb 2\r\nc 3"));
    parser.end();
    assertEquals(List.of(new Sample("b", Map.of(), 2), new Sample("c", Map.of(), 3)), collector.samples);
    assertEquals(1, parser.skippedLines());
  }

  @Test
  void countsMalformedWantedLines() {
    Collector collector = new Collector(name -> true);
    PrometheusTextParser parser = new PrometheusTextParser(collector);
    parser.feed(Buffer.buffer("a{x=\"unterminated} 1\nb notanumber\nc\nd 4\n"));
    parser.end();
    assertEquals(List.of(new Sample("d", Map.of(), 4)), collector.samples);
    assertEquals(3, parser.malformedLines());
  }
}
