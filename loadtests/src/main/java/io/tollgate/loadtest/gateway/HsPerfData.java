package io.tollgate.loadtest.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a HotSpot JVM's performance counters from its {@code hsperfdata} file (what {@code jstat} reads),
 * without attaching to the process or needing its cooperation: heap used and committed, at the cost of one
 * small file read. Format: a 32-byte prologue (magic 0xcafec0c0, byte order, entry offset and count), then
 * entries each naming one counter.
 */
public final class HsPerfData {

  private static final int MAGIC = 0xcafec0c0;

  private final Map<String, Long> longs;

  private HsPerfData(Map<String, Long> longs) {
    this.longs = longs;
  }

  /** The counters file of a JVM process, if it publishes one (it does unless run with -XX:-UsePerfData). */
  public static Optional<Path> find(long pid) {
    for (Path tmp : new Path[] {Path.of(System.getProperty("java.io.tmpdir", "/tmp")), Path.of("/tmp"),
        Path.of("/proc", Long.toString(pid), "root", "tmp")}) {
      if (!Files.isDirectory(tmp)) {
        continue;
      }
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
        for (Path dir : dirs) {
          Path file = dir.resolve(Long.toString(pid));
          if (Files.isReadable(file)) {
            return Optional.of(file);
          }
        }
      } catch (IOException | SecurityException e) {
        // not readable: try the next place
      }
    }
    return Optional.empty();
  }

  public static HsPerfData read(Path file) throws IOException {
    return parse(ByteBuffer.wrap(Files.readAllBytes(file)));
  }

  static HsPerfData parse(ByteBuffer buffer) throws IOException {
    if (buffer.remaining() < 32 || buffer.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) {
      throw new IOException("not a hsperfdata file");
    }
    buffer.order(buffer.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int entryOffset = buffer.getInt(24);
    int entries = buffer.getInt(28);
    Map<String, Long> longs = new HashMap<>();
    int position = entryOffset;
    for (int i = 0; i < entries && position + 20 <= buffer.limit(); i++) {
      int entryLength = buffer.getInt(position);
      int nameOffset = buffer.getInt(position + 4);
      int vectorLength = buffer.getInt(position + 8);
      byte type = buffer.get(position + 12);
      int dataOffset = buffer.getInt(position + 16);
      if (entryLength <= 0) {
        break;
      }
      if (type == 'J' && vectorLength == 0 && position + dataOffset + 8 <= buffer.limit()) {
        longs.put(cString(buffer, position + nameOffset), buffer.getLong(position + dataOffset));
      }
      position += entryLength;
    }
    return new HsPerfData(longs);
  }

  private static String cString(ByteBuffer buffer, int start) {
    int end = start;
    while (end < buffer.limit() && buffer.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end - start];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = buffer.get(start + i);
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  public Optional<Long> get(String name) {
    return Optional.ofNullable(longs.get(name));
  }

  /** Bytes used in every heap space (young and old generations, all collectors). */
  public long heapUsedBytes() {
    return sumOfSpaces(".used");
  }

  /** The old generation in use (generation 1 of G1, Parallel and Serial), or -1 for collectors without one. */
  public long oldGenUsedBytes() {
    return get("sun.gc.generation.1.space.0.used").orElse(-1L);
  }

  public long heapCommittedBytes() {
    return sumOfSpaces(".capacity");
  }

  private long sumOfSpaces(String suffix) {
    long sum = 0;
    for (Map.Entry<String, Long> e : longs.entrySet()) {
      String name = e.getKey();
      if (name.startsWith("sun.gc.generation.") && name.contains(".space.") && name.endsWith(suffix)) {
        sum += e.getValue();
      }
    }
    return sum;
  }
}
