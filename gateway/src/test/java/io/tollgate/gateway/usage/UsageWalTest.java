package io.tollgate.gateway.usage;

import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write-ahead log's lanes: an event loop's events are in its segment file by the end of the turn
 * that emitted them (what bounds a kill -9's loss), a marker follows every event appended before it
 * on any loop, and other threads write at once.
 */
class UsageWalTest {

  @TempDir
  Path dir;

  private GuardedVertx guarded;
  private DiskSpool spool;
  private UsageWal wal;
  /** What the log handed on, in order: entries' event numbers and markers. */
  private final List<Object> handed = new CopyOnWriteArrayList<>();
  private final List<UsageWal.Entry> entries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    guarded = GuardedVertx.create();
    spool = DiskSpool.open(dir.resolve("spool"), DiskSpool.DEFAULT_SEGMENT_BYTES);
    wal = UsageWal.open(dir.resolve("wal"), UsageWal.DEFAULT_SEGMENT_BYTES, false, spool);
    wal.start(new UsageWal.Handoff() {
      @Override
      public void entries(List<UsageWal.Entry> written) {
        entries.addAll(written);
        for (UsageWal.Entry entry : written) {
          handed.add(UsageEvents.numberOf(new String(entry.body(), StandardCharsets.UTF_8)));
        }
      }

      @Override
      public void marker(Object marker) {
        handed.add(marker);
      }
    });
  }

  @AfterEach
  void close() throws Exception {
    wal.close().get(10, TimeUnit.SECONDS);
    spool.close().get(10, TimeUnit.SECONDS);
    guarded.closeAndAssert();
  }

  @Test
  void anEventLoopsEventsAreInItsSegmentFileByTheEndOfTheTurnThatAppendedThem() throws Exception {
    Context context = guarded.vertx().getOrCreateContext();
    CompletableFuture<Long> writtenAtTheTurnsEnd = new CompletableFuture<>();
    context.runOnContext(v -> {
      for (int i = 0; i < 3; i++) {
        assertTrue(wal.append(UsageEvents.numbered(i)));
      }
      long duringTheTurn = wal.written();
      // Queued behind the lane's flush (the turn's first append queued it): the turn's end.
      context.runOnContext(w -> writtenAtTheTurnsEnd.complete(duringTheTurn * 1000 + wal.written()));
    });
    long counts = writtenAtTheTurnsEnd.get(10, TimeUnit.SECONDS);
    assertEquals(0, counts / 1000, "kept during the turn, one write at its end");
    assertEquals(3, counts % 1000, "written by the end of the turn");
    // The write that counted them put their bytes in the lane's segment (a kill -9 from then on keeps them).
    assertEquals(List.of(0, 1, 2), numbersInTheLog());
    assertEquals(List.of(0, 1, 2), handed, "handed on after the write");
  }

  @Test
  void aMarkerFollowsEveryEventAppendedOnTwoLoopsBeforeIt() throws Exception {
    // Event-loop contexts are given out round robin over the loops: two in a row are on two loops.
    Context first = ((io.vertx.core.internal.VertxInternal) guarded.vertx()).createEventLoopContext();
    Context second = ((io.vertx.core.internal.VertxInternal) guarded.vertx()).createEventLoopContext();
    Thread[] threads = new Thread[2];
    CompletableFuture<Void> both = new CompletableFuture<>();
    first.runOnContext(v -> {
      threads[0] = Thread.currentThread();
      second.runOnContext(w -> {
        threads[1] = Thread.currentThread();
        both.complete(null);
      });
    });
    both.get(10, TimeUnit.SECONDS);
    assertNotEquals(threads[0], threads[1], "two event loops");

    List<Object> markers = new ArrayList<>();
    int rounds = 50;
    for (int round = 0; round < rounds; round++) {
      int base = round * 100;
      Object marker = "marker " + round;
      markers.add(marker);
      CompletableFuture<Void> marked = new CompletableFuture<>();
      // The first loop appends and hands over to the second in the same turn; the second appends and
      // marks in its own turn: its events are still kept (its flush is queued behind this task), the
      // first loop's may or may not be written yet. The marker must follow all of them.
      first.runOnContext(v -> {
        for (int i = 0; i < 5; i++) {
          wal.append(UsageEvents.numbered(base + i));
        }
        second.runOnContext(w -> {
          for (int i = 5; i < 10; i++) {
            wal.append(UsageEvents.numbered(base + i));
          }
          wal.mark(marker);
          marked.complete(null);
        });
      });
      marked.get(10, TimeUnit.SECONDS);
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (handed.size() < rounds * 11 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(rounds * 11, handed.size(), "every event and marker handed on: " + handed);
    for (int round = 0; round < rounds; round++) {
      int markerAt = handed.indexOf(markers.get(round));
      for (int i = 0; i < 10; i++) {
        int event = round * 100 + i;
        int eventAt = handed.indexOf(event);
        assertTrue(eventAt >= 0 && eventAt < markerAt, "event " + event + " (at " + eventAt + ") is handed on before "
            + markers.get(round) + " (at " + markerAt + "): " + handed);
      }
    }
  }

  @Test
  void withEachLoopsLaneMadeAtStartNoLoopCreatesASegmentFileItself() throws Exception {
    wal.laneForEachLoop(guarded.vertx());
    int loops = 0;
    for (var loop : ((io.vertx.core.internal.VertxInternal) guarded.vertx()).eventLoopGroup()) {
      loops++;
    }
    long deadline = System.currentTimeMillis() + 5_000;
    while (filesInTheLog() < loops + 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5); // the syncer's round prepares a segment per lane (the loops' and the shared one)
    }
    assertEquals(loops + 1, filesInTheLog(), "a segment prepared for each lane");
    CompletableFuture<Void> written = new CompletableFuture<>();
    Context context = ((io.vertx.core.internal.VertxInternal) guarded.vertx()).createEventLoopContext();
    context.runOnContext(v -> {
      wal.append(UsageEvents.numbered(1));
      context.runOnContext(w -> written.complete(null));
    });
    written.get(10, TimeUnit.SECONDS);
    assertEquals(1, wal.written());
    assertEquals(0, wal.unprepared(), "the loop wrote to the segment the syncer prepared");
  }

  @Test
  void aTurnBiggerThanTheWriteBufferIsWrittenWholeAndInOrder() throws Exception {
    int events = 400; // about 240 KB: several buffers' worth
    Context context = guarded.vertx().getOrCreateContext();
    CompletableFuture<Long> written = new CompletableFuture<>();
    context.runOnContext(v -> {
      for (int i = 0; i < events; i++) {
        wal.append(UsageEvents.numbered(i));
      }
      context.runOnContext(w -> written.complete(wal.written()));
    });
    assertEquals(events, written.get(10, TimeUnit.SECONDS), "written by the end of the turn");
    List<Integer> expected = java.util.stream.IntStream.range(0, events).boxed().toList();
    assertEquals(expected, numbersInTheLog());
    assertEquals(expected, handed, "handed on in the order appended");
  }

  @Test
  void anotherThreadsEventIsWrittenAtOnce() throws Exception {
    assertTrue(wal.append(UsageEvents.numbered(7)));
    assertEquals(1, wal.written());
    assertEquals(List.of(7), numbersInTheLog());
    assertEquals(List.of(7), handed);
  }

  /** Event 1 appended on an event loop, event 2 on this thread, then a marker. */
  private void oneOnALoopOneHereThenAMarker() throws Exception {
    CompletableFuture<Void> appended = new CompletableFuture<>();
    guarded.vertx().runOnContext(v -> {
      wal.append(UsageEvents.numbered(1));
      appended.complete(null);
    });
    appended.get(10, TimeUnit.SECONDS);
    wal.append(UsageEvents.numbered(2));
    wal.mark("flush");
  }

  @Test
  void afterCloseAppendsAreRefusedAndEventsNotDoneStayForTheNextStart() throws Exception {
    oneOnALoopOneHereThenAMarker();
    assertEquals(List.of(1, 2, "flush"), handed.stream().sorted((a, b) -> a instanceof String ? 1
        : b instanceof String ? -1 : Integer.compare((Integer) a, (Integer) b)).toList());
    wal.close().get(10, TimeUnit.SECONDS);
    assertTrue(!wal.append(UsageEvents.numbered(3)), "refused once closed");
    assertEquals(List.of(1, 2), numbersInTheLog(), "not done: kept for the next start");
  }

  @Test
  void atCloseTheSegmentsWhoseEventsAreDoneAreDeletedAndNoneIsLeftPrepared() throws Exception {
    oneOnALoopOneHereThenAMarker();
    long deadline = System.currentTimeMillis() + 5_000;
    while (filesInTheLog() < 3 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5); // the syncer prepares each lane's next segment
    }
    assertEquals(2, entries.size());
    wal.done(entries);
    wal.close().get(10, TimeUnit.SECONDS);
    assertEquals(0, filesInTheLog(), "done segments deleted, prepared ones discarded");
  }

  private long filesInTheLog() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      return files.count();
    }
  }

  private List<Integer> numbersInTheLog() throws Exception {
    List<Integer> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      for (Path file : files.sorted().toList()) {
        for (byte[] line : UsageWal.completeLines(Files.readAllBytes(file))) {
          numbers.add(UsageEvents.numberOf(new String(line, StandardCharsets.UTF_8)));
        }
      }
    }
    numbers.sort(Integer::compare);
    return numbers;
  }
}
