package io.tollgate.charts;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * A heap the way the gateway uses one, run by {@link GatewayJvmOptionsTest} in a JVM started with the chart's
 * options: a live set larger than the JVM's first old generation (config, connections, caches), then garbage
 * that mostly dies at once while a window of it lives through a few young collections (requests in flight).
 * Prints each collector's count as {@code name=count} lines.
 *
 * <p>Arguments: the live set in MB, the garbage to make in MB.
 */
public final class HeapChurn {

  private static final int PIECE = 1024;
  private static final int IN_FLIGHT = 8192;

  private HeapChurn() {
  }

  public static void main(String[] args) {
    int liveMb = Integer.parseInt(args[0]);
    long garbageBytes = Long.parseLong(args[1]) << 20;
    List<byte[]> live = new ArrayList<>();
    for (int i = 0; i < liveMb * 64; i++) {
      live.add(new byte[16 * 1024]);
    }
    byte[][] inFlight = new byte[IN_FLIGHT][];
    long made = 0;
    for (int i = 0; made < garbageBytes; i++) {
      byte[] piece = new byte[PIECE];
      piece[0] = (byte) i;
      inFlight[i % IN_FLIGHT] = piece;
      made += PIECE;
    }
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      System.out.println(collector.getName() + "=" + collector.getCollectionCount());
    }
    // Keeps both alive to the end, so the collector cannot drop them early.
    System.out.println("held=" + live.size() + "," + inFlight.length);
  }
}
