package io.tollgate.gateway.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiskSpoolTest {

  private static byte[] line(int i) {
    return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> readAll(DiskSpool spool) throws Exception {
    List<String> lines = new ArrayList<>();
    DiskSpool.Segment segment;
    while ((segment = spool.oldestSealed()) != null) {
      segment.lines().forEach(l -> lines.add(new String(l, StandardCharsets.UTF_8)));
      spool.delete(segment);
    }
    return lines;
  }

  @Test
  void linesComeBackInOrderAcrossSegmentsAndTheSpoolEmptiesAfterDelete(@TempDir Path dir) throws Exception {
    DiskSpool spool = DiskSpool.open(dir, 64);
    for (int i = 0; i < 50; i++) {
      assertTrue(spool.append(line(i)));
    }
    assertTrue(spool.hasBacklog());
    spool.seal().get(5, TimeUnit.SECONDS);
    List<String> lines = readAll(spool);
    assertEquals(50, lines.size());
    for (int i = 0; i < 50; i++) {
      assertEquals("{\"n\":" + i + "}", lines.get(i));
    }
    assertFalse(spool.hasBacklog());
    assertEquals(0, spool.pendingLines());
    spool.close().get(5, TimeUnit.SECONDS);
    assertFalse(spool.append(line(99)), "closed: appends refused");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(".lock"), files.map(p -> p.getFileName().toString()).toList(), "segments truncated");
    }
  }

  @Test
  void aReopenedSpoolFindsWhatTheLastRunLeftAndSkipsATornLine(@TempDir Path dir) throws Exception {
    DiskSpool first = DiskSpool.open(dir, DiskSpool.DEFAULT_SEGMENT_BYTES);
    first.append(List.of(line(1), line(2)));
    first.close().get(5, TimeUnit.SECONDS);
    // A crash while writing leaves a line without its newline.
    Path leftover = dir.resolve("usage-00000000000000000002.jsonl");
    Files.write(leftover, "{\"n\":3}\n{\"n\":".getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW);

    DiskSpool second = DiskSpool.open(dir, DiskSpool.DEFAULT_SEGMENT_BYTES);
    assertTrue(second.hasBacklog());
    assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), readAll(second));
    assertEquals(1, second.tornLines());
    second.append(line(4));
    second.seal().get(5, TimeUnit.SECONDS);
    assertEquals(List.of("{\"n\":4}"), readAll(second), "new segments numbered after the old ones");
    second.close().get(5, TimeUnit.SECONDS);
  }

  @Test
  void oneFolderServesOneProcessAtATime(@TempDir Path dir) throws Exception {
    DiskSpool spool = DiskSpool.open(dir, DiskSpool.DEFAULT_SEGMENT_BYTES);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> DiskSpool.open(dir, DiskSpool.DEFAULT_SEGMENT_BYTES));
    assertTrue(refused.getMessage().contains("in use by another gateway"), refused.getMessage());
    spool.close().get(5, TimeUnit.SECONDS);
    DiskSpool.open(dir, DiskSpool.DEFAULT_SEGMENT_BYTES).close().get(5, TimeUnit.SECONDS);
  }

  @Test
  void syncWaitsForEverythingAppendedBefore(@TempDir Path dir) throws Exception {
    DiskSpool spool = DiskSpool.open(dir, DiskSpool.DEFAULT_SEGMENT_BYTES);
    for (int i = 0; i < 1000; i++) {
      spool.append(line(i));
    }
    spool.sync().get(5, TimeUnit.SECONDS);
    try (var files = Files.list(dir)) {
      Path segment = files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
      assertEquals(1000, Files.readAllLines(segment).size());
    }
    assertNull(spool.oldestSealed(), "still the open segment: nothing sealed yet");
    spool.close().get(5, TimeUnit.SECONDS);
  }
}
