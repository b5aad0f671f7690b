package io.tollgate.gateway.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigHolderTest {

  private static ConfigHolder holder() {
    return ConfigHolder.fromRaw(Snapshots.valid());
  }

  @Test
  void startsAtVersionOneWithItsDocument() {
    ConfigHolder holder = holder();
    assertEquals(1, holder.version());
    assertEquals(Snapshots.valid(), holder.currentRaw());
    assertEquals(holder.current(), holder.live().snapshot());
  }

  @Test
  void holderOfABuiltSnapshotWritesItsDocument() {
    ConfigSnapshot built = SnapshotParser.parse(Snapshots.valid(), 1);
    ConfigHolder holder = new ConfigHolder(built);
    assertEquals(built, SnapshotParser.parse(holder.currentRaw(), 1));
  }

  @Test
  void fromRawRefusesAnInvalidDocument() {
    JsonObject raw = Snapshots.valid();
    Snapshots.model(raw, 0).put("maxAttempts", 0);
    assertThrows(ConfigException.class, () -> ConfigHolder.fromRaw(raw));
  }

  @Test
  void appliedConfigBecomesTheNextVersionAndNotifies() {
    ConfigHolder holder = holder();
    List<ConfigSnapshot> seen = new CopyOnWriteArrayList<>();
    holder.onChange(seen::add);
    JsonObject raw = Snapshots.valid();
    Snapshots.model(raw, 1).put("maxAttempts", 5);

    ConfigHolder.ApplyResult result = holder.apply(raw);

    assertTrue(result.applied());
    assertEquals(2, result.version());
    assertEquals(List.of(), result.errors());
    assertEquals("qwen", result.changes().getJsonObject("models").getJsonArray("changed").getString(0));
    assertEquals(2, holder.current().version());
    assertEquals(5, holder.current().models().get("qwen").maxAttempts());
    assertEquals(List.of(holder.current()), seen);
  }

  @Test
  void refusedConfigChangesNothing() {
    ConfigHolder holder = holder();
    ConfigSnapshot before = holder.current();
    JsonObject rawBefore = holder.currentRaw();
    List<ConfigSnapshot> seen = new CopyOnWriteArrayList<>();
    holder.onChange(seen::add);
    JsonObject bad = Snapshots.valid();
    Snapshots.model(bad, 0).getJsonArray("backends").set(0, "gpu-9");
    Snapshots.model(bad, 1).put("maxAttempts", 0);

    ConfigHolder.ApplyResult result = holder.apply(bad);

    assertFalse(result.applied());
    assertEquals(1, result.version());
    assertEquals(2, result.errors().size(), result.errors()::toString);
    assertSame(before, holder.current());
    assertEquals(rawBefore, holder.currentRaw());
    assertTrue(seen.isEmpty());
  }

  @Test
  void callerMutatingItsDocumentLaterChangesNothing() {
    ConfigHolder holder = holder();
    JsonObject raw = Snapshots.valid();
    holder.apply(raw);
    raw.put("backends", "garbage");
    holder.currentRaw().put("models", "garbage");

    assertEquals(Snapshots.valid(), holder.currentRaw());
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    ConfigHolder holder = holder();
    List<Long> seen = new CopyOnWriteArrayList<>();
    holder.onChange(snapshot -> {
      throw new IllegalStateException("listener bug");
    });
    holder.onChange(snapshot -> seen.add(snapshot.version()));

    assertTrue(holder.apply(Snapshots.valid()).applied());
    assertEquals(List.of(2L), seen);
  }

  @Test
  void concurrentAppliesGetDistinctIncreasingVersions() throws Exception {
    ConfigHolder holder = holder();
    int threads = 4;
    int appliesEach = 25;
    ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> notified = new ConcurrentLinkedQueue<>();
    holder.onChange(snapshot -> notified.add(snapshot.version()));
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await();
          long last = 0;
          for (int i = 0; i < appliesEach; i++) {
            JsonObject raw = Snapshots.valid();
            Snapshots.model(raw, 1).put("maxAttempts", 1 + thread);
            long version = holder.apply(raw).version();
            assertTrue(version > last, "versions seen by one thread increase");
            last = version;
            versions.add(version);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    int total = threads * appliesEach;
    Set<Long> expected = LongStream.rangeClosed(2, 1 + total).boxed().collect(Collectors.toSet());
    assertEquals(expected, new TreeSet<>(versions));
    assertEquals(total, versions.size());
    assertEquals(expected, new TreeSet<>(notified));
    assertEquals(1 + total, holder.version());
  }
}
