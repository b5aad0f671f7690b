package io.tollgate.gateway.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone spool: group commit while events come, and prompt after a quiet spell. */
class SpoolUsageSinkTest {

  @Test
  void everyEventIsOneLineInOrderAndAnEventAfterAQuietSpellIsWrittenPromptly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("usage.jsonl");
    SpoolUsageSink sink = new SpoolUsageSink(file);
    try {
      for (int i = 0; i < 1_000; i++) {
        sink.emit(UsageEvents.numbered(i));
      }
      sink.flush().toCompletionStage().toCompletableFuture().get();
      List<String> lines = Files.readAllLines(file);
      assertEquals(1_000, lines.size());
      assertEquals(UsageEvents.numbered(999).requestId(),
          new io.vertx.core.json.JsonObject(lines.get(999)).getString("request_id"), "in order");

      // The writer, finding nothing, sleeps half a second at a time: each event after a quiet spell
      // must wake it. (Spaced 150 ms apart, three events cannot all land just before a wake-up.)
      for (int i = 0; i < 3; i++) {
        Thread.sleep(150);
        long start = System.nanoTime();
        sink.emit(UsageEvents.numbered(1_000 + i));
        while (Files.readAllLines(file).size() < 1_001 + i) {
          assertTrue(System.nanoTime() - start < 100_000_000L, "written within 100 ms, not at the writer's next wake-up");
          Thread.sleep(1);
        }
      }
    } finally {
      sink.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
