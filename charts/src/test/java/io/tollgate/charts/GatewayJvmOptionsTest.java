package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tollgate.charts.Workloads.container;
import static io.tollgate.charts.Workloads.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway chart's JVM options, as a JVM of this build reads them: a pod whose options a JVM refuses
 * never starts, and the collector's settings are what holds RSS under load (docs/adr/0010-gateway-gc.md).
 */
class GatewayJvmOptionsTest {

  /** A 1 GiB pod's limit stands in for the container's. */
  private static final String POD_MEMORY = "-XX:MaxRAM=1g";

  @Test
  void theChartsJvmOptionsStartAJvmWithTheParallelCollectorAndFixedSurvivorSpaces() throws Exception {
    String options = chartsJvmOptions();

    // The flags as the final values the JVM took.
    Map<String, String> flags = finalFlags(options, POD_MEMORY);

    assertEquals("true", flags.get("UseParallelGC"), options);
    assertEquals("false", flags.get("UsePSAdaptiveSurvivorSizePolicy"),
        "the adaptive policy shrinks the survivor spaces until in-flight objects are promoted: " + options);
    assertEquals("true", flags.get("UseAdaptiveSizePolicy"),
        "without it the old generation never grows past its first size: " + options);
    assertEquals("6", flags.get("SurvivorRatio"), options);
    assertEquals(String.valueOf(64L << 20), flags.get("NewSize"), "the young generation: " + options);
    assertEquals("true", flags.get("ExitOnOutOfMemoryError"), options);
    long maxHeap = Long.parseLong(flags.get("MaxHeapSize"));
    assertTrue(maxHeap > (600L << 20) && maxHeap <= (720L << 20),
        "70 % of the pod's memory (rounded up to the heap's alignment): " + maxHeap);
  }

  /**
   * Sessions 11 to 13 shipped {@code -XX:-UseAdaptiveSizePolicy}: the old generation then stays at the size the
   * JVM starts it with (a few MB: 1/64 of the pod's memory less the young generation), and once the live set
   * fills it every young collection is a full one. Under the peers load that was a full collection every
   * ~0.1 s and a p99 of 21-50 ms (2-6 ms now); the benchmark, on a fixed heap, did not show it.
   */
  @Test
  void aLiveSetLargerThanTheFirstOldGenerationIsNotCollectedAgainAndAgain() throws Exception {
    String options = chartsJvmOptions();
    String out = runJava(options, "the heap churn", POD_MEMORY, "-cp", System.getProperty("java.class.path"),
        HeapChurn.class.getName(), "32", "2048");

    // 2 GB of garbage through a 48 MB eden: about forty young collections.
    long young = count(out, "PS Scavenge");
    long full = count(out, "PS MarkSweep");
    assertTrue(full <= 4, "a 32 MB live set made " + full + " full collections (young: " + young + ") under "
        + options + ":\n" + out);
    assertTrue(young >= 30, "young collections: " + out);
  }

  private static long count(String out, String collector) {
    for (String line : out.split("\n")) {
      if (line.startsWith(collector + "=")) {
        return Long.parseLong(line.substring(collector.length() + 1).trim());
      }
    }
    throw new AssertionError("no count for " + collector + " in:\n" + out);
  }

  private static String chartsJvmOptions() throws Exception {
    List<HasMetadata> objects = Charts.parse(Charts.template("gateway", List.of(), Map.of()));
    return env(container(Charts.one(objects, Deployment.class).getSpec().getTemplate(), "gateway"),
        "JAVA_TOOL_OPTIONS").getValue();
  }

  private static Map<String, String> finalFlags(String toolOptions, String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(Arrays.asList(extra));
    args.add("-XX:+PrintFlagsFinal");
    args.add("-version");
    String out = runJava(toolOptions, "java -version", args.toArray(String[]::new));
    Map<String, String> flags = new HashMap<>();
    for (String line : out.split("\n")) {
      // "     bool UseParallelGC                            = true                                      {product} {command line}"
      String[] words = line.trim().split("\\s+");
      if (words.length >= 4 && "=".equals(words[2])) {
        flags.put(words[1], words[3]);
      }
    }
    return flags;
  }

  /**
   * Runs this build's java with the tool options as the container passes them (through the environment, which a
   * JVM that refuses one refuses to start with) and the arguments; its output, once it ended with 0.
   */
  private static String runJava(String toolOptions, String what, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_TOOL_OPTIONS", toolOptions);
    Process java = builder.start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(java.waitFor(120, TimeUnit.SECONDS), what + " did not end");
    assertEquals(0, java.exitValue(), what + " failed under the chart's options " + toolOptions + ":\n" + out);
    return out;
  }
}
