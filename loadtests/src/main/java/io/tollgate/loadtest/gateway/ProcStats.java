package io.tollgate.loadtest.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux process's resident memory and CPU time, from {@code /proc/<pid>/status} (VmRSS) and
 * {@code /proc/<pid>/stat} (utime + stime, in clock ticks of 1/100 s on every mainstream Linux).
 */
public final class ProcStats {

  static final double TICKS_PER_SECOND = 100;

  private ProcStats() {
  }

  public static long rssBytes(long pid) throws IOException {
    return parseRssBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
  }

  public static double cpuSeconds(long pid) throws IOException {
    return parseCpuSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
  }

  static long parseRssBytes(String status) throws IOException {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        long value = Long.parseLong(parts[0]);
        String unit = parts.length > 1 ? parts[1] : "kB";
        return switch (unit) {
          case "kB" -> value * 1024;
          case "mB", "MB" -> value * 1024 * 1024;
          default -> value;
        };
      }
    }
    throw new IOException("no VmRSS line (is it a kernel thread, or did it exit?)");
  }

  /** Fields after the command name, which sits in parentheses and may itself contain spaces. */
  static double parseCpuSeconds(String stat) throws IOException {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IOException("unreadable /proc stat line");
    }
    String[] fields = stat.substring(close + 2).trim().split("\\s+");
    // fields[0] is field 3 (state); utime is field 14, stime field 15
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }
}
