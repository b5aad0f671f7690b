package io.tollgate.gateway.usage;

import io.tollgate.testsupport.TcpRelay;
import com.rabbitmq.client.Channel;
import io.tollgate.gateway.config.RabbitSettings;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RabbitMQ usage sink against the real broker; outages made with a TCP relay in front of it. */
class RabbitUsageSinkTest {

  @TempDir
  Path spoolDir;

  private GuardedVertx guarded;
  private Vertx vertx;
  private RabbitFixture rabbit;
  private TcpRelay proxy;
  private final List<RabbitUsageSink> sinks = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    guarded = GuardedVertx.create();
    vertx = guarded.vertx();
    rabbit = RabbitFixture.create();
    proxy = await(TcpRelay.start(vertx, RabbitFixture.HOST, RabbitFixture.PORT));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (RabbitUsageSink sink : sinks) {
        await(sink.close());
        assertEquals(0, sink.metrics().dropped(), "no event is ever dropped");
      }
      await(proxy.close());
      rabbit.close();
    } finally {
      guarded.closeAndAssert();
    }
  }

  private RabbitSettings settings(String url) {
    return RabbitSettings.defaults(url, spoolDir)
        .withNames(rabbit.topology.exchange(), rabbit.topology.queue())
        .withBatching(50, 20, 10_000)
        .withTimeouts(1_000, 200);
  }

  private RabbitUsageSink sink(RabbitSettings settings) throws Exception {
    RabbitUsageSink sink = await(RabbitUsageSink.start(vertx, settings));
    sinks.add(sink);
    return sink;
  }

  /** Emits from an event loop, as the request path does. */
  private void emit(RabbitUsageSink sink, int from, int to) throws Exception {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> {
      for (int i = from; i < to; i++) {
        sink.emit(UsageEvents.numbered(i));
      }
      done.complete();
    });
    await(done.future());
  }

  @Test
  void publishesEveryEventWithConfirmsToTheTopologyItDeclares() throws Exception {
    RabbitUsageSink sink = sink(settings(RabbitFixture.URL));
    emit(sink, 0, 1_000);
    await(sink.flush());
    UsageMetrics metrics = sink.metrics();
    assertEquals(1_000, metrics.confirmed(), metrics::toString);
    assertEquals(1_000, metrics.published());
    assertEquals(1_000, metrics.queued());
    assertEquals(0, metrics.spooled());
    assertEquals(0, metrics.backlog());

    List<String> bodies = rabbit.drainAtLeast(1_000, 10_000);
    assertEquals(1_000, bodies.size());
    for (int i = 0; i < bodies.size(); i++) {
      assertEquals(i, UsageEvents.numberOf(bodies.get(i)), "published in emission order");
    }
    // Emitted in one go, they travel many to a message (at most batchSize = 50 each), one confirm each.
    assertEquals(metrics.messages(), rabbit.messagesDrained(), metrics::toString);
    assertTrue(rabbit.messagesDrained() >= 20 && rabbit.messagesDrained() < 1_000,
        "1000 events in " + rabbit.messagesDrained() + " messages");
    // The queue is a quorum queue: declaring it classic is refused.
    Channel probe = rabbit.newChannel();
    IOException refused = assertThrows(IOException.class, () -> probe.queueDeclare(rabbit.topology.queue(), true,
        false, false, Map.of("x-queue-type", "classic", "x-dead-letter-exchange", rabbit.topology.deadLetterExchange())));
    assertTrue(String.valueOf(refused.getCause()).contains("PRECONDITION_FAILED"), String.valueOf(refused.getCause()));
    // and the dead-letter queue exists (passive declare fails when it does not).
    rabbit.channel().queueDeclarePassive(rabbit.topology.deadLetterQueue());
    // Every event went through the write-ahead log, which lets go of them once they are confirmed.
    assertEquals(1_000, sink.metrics().logged());
    waitFor(() -> walFiles() == 0, "the write-ahead log's segments are deleted once their events are confirmed");
  }

  /** Segments holding events; the one empty segment the log keeps ready for its writer is not counted. */
  private long walFiles() {
    try (var files = Files.list(spoolDir.resolve("wal"))) {
      return files.filter(f -> f.toFile().length() > 0).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void spoolsWhileTheBrokerIsAwayAndReplaysInOrderOnceItIsBack() throws Exception {
    RabbitUsageSink sink = sink(settings(("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/")));
    // A JVM's first connection through the relay can miss the 1 s handshake on a busy machine.
    waitFor(sink::connected, "the sink connects");
    emit(sink, 0, 100);
    await(sink.flush());
    assertEquals(100, sink.metrics().confirmed(), () -> sink.metrics().toString());

    proxy.cut();
    waitFor(() -> !sink.connected(), "the sink notices the broker is gone");
    for (int i = 100; i < 400; i += 50) {
      emit(sink, i, i + 50);
      Thread.sleep(20);
    }
    await(sink.flush());
    UsageMetrics away = sink.metrics();
    assertEquals(300, away.spooled(), away::toString);
    assertEquals(300, away.backlog(), away::toString);
    try (var files = Files.list(spoolDir)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".jsonl")), "events are on disk");
    }

    proxy.restore();
    waitFor(() -> sink.metrics().backlog() == 0, "the spool is replayed");
    UsageMetrics back = sink.metrics();
    assertEquals(300, back.replayed(), back::toString);
    assertEquals(400, back.confirmed(), back::toString);
    try (var files = Files.list(spoolDir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".jsonl")), "spool truncated after confirms");
    }
    // The spool is replayed many events to a message too (batchSize 50: at least 6 messages for 300).
    long replayMessages = back.messages() - away.messages();
    assertTrue(replayMessages >= 6 && replayMessages <= 30, "300 spooled events replayed in " + replayMessages
        + " messages");
    List<String> bodies = rabbit.drainAtLeast(400, 10_000);
    Set<Integer> firstSeen = new LinkedHashSet<>();
    bodies.forEach(body -> firstSeen.add(UsageEvents.numberOf(body)));
    assertEquals(400, firstSeen.size(), "every event arrived");
    List<Integer> order = new ArrayList<>(firstSeen);
    for (int i = 0; i < order.size(); i++) {
      assertEquals(i, order.get(i), "replayed in the order they were spooled");
    }
  }

  @Test
  void aMessageHoldsAtMostBatchMaxBytesOfEvents() throws Exception {
    RabbitUsageSink sink = sink(settings(RabbitFixture.URL).withBatchMaxBytes(1_024));
    emit(sink, 0, 200);
    await(sink.flush());
    int eventBytes = UsageEventJson.bytes(UsageEvents.numbered(0)).length + 1;
    assertTrue(eventBytes <= 1_024, "an event fits: " + eventBytes);
    List<Integer> numbers = new ArrayList<>();
    int messages = 0;
    long deadline = System.currentTimeMillis() + 10_000;
    while (numbers.size() < 200 && System.currentTimeMillis() < deadline) {
      com.rabbitmq.client.GetResponse message = rabbit.channel().basicGet(rabbit.topology.queue(), true);
      if (message == null) {
        Thread.sleep(20);
        continue;
      }
      messages++;
      assertTrue(message.getBody().length <= 1_024, "a message of " + message.getBody().length + " bytes");
      for (String line : new String(message.getBody(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        numbers.add(UsageEvents.numberOf(line));
      }
    }
    assertEquals(200, numbers.size());
    for (int i = 0; i < numbers.size(); i++) {
      assertEquals(i, numbers.get(i), "in emission order");
    }
    assertTrue(messages >= 200 / (1_024 / eventBytes), messages + " messages of at most 1 KiB");
    assertEquals(messages, sink.metrics().messages());
  }

  @Test
  void aFullQueueSpillsToTheSpoolAndNothingIsDropped() throws Exception {
    proxy.cut();
    RabbitUsageSink sink = sink(settings(("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/")).withBatching(10, 20, 5));
    emit(sink, 0, 2_000);
    await(sink.flush());
    UsageMetrics full = sink.metrics();
    assertEquals(2_000, full.spooled(), full::toString);
    assertTrue(full.queued() < 2_000, "most events never fit in the queue: " + full);

    proxy.restore();
    waitFor(() -> sink.metrics().backlog() == 0, "the spool is replayed");
    Set<Integer> numbers = new LinkedHashSet<>();
    rabbit.drainAtLeast(2_000, 10_000).forEach(body -> numbers.add(UsageEvents.numberOf(body)));
    assertEquals(2_000, numbers.size());
  }

  @Test
  void aBatchTheBrokerNeverConfirmsIsSpooledAndSentAgain() throws Exception {
    RabbitUsageSink sink = sink(settings(("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/")).withTimeouts(300, 200));
    emit(sink, 0, 10);
    await(sink.flush());
    assertEquals(10, sink.metrics().confirmed());

    proxy.blackhole(true);
    emit(sink, 10, 30);
    await(sink.flush());
    UsageMetrics unconfirmed = sink.metrics();
    assertEquals(20, unconfirmed.spooled(), unconfirmed::toString);
    assertEquals(10, unconfirmed.confirmed(), unconfirmed::toString);

    proxy.blackhole(false);
    waitFor(() -> sink.metrics().backlog() == 0, "the spooled batch is replayed");
    Set<Integer> numbers = new LinkedHashSet<>();
    rabbit.drainAtLeast(30, 10_000).forEach(body -> numbers.add(UsageEvents.numberOf(body)));
    assertEquals(30, numbers.size(), "every event arrived, repeats allowed: " + numbers);
  }

  @Test
  void closeWithTheBrokerAwaySpoolsAndTheNextStartReplays() throws Exception {
    proxy.cut();
    RabbitUsageSink first = sink(settings(("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/")));
    emit(first, 0, 75);
    await(first.close());
    assertEquals(75, first.metrics().spooled());

    proxy.restore();
    RabbitUsageSink second = sink(settings(("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/")));
    assertEquals(75, second.metrics().backlog(), "found the last run's spool");
    waitFor(() -> second.metrics().backlog() == 0, "the last run's events are replayed");
    assertEquals(75, second.metrics().replayed());
    assertEquals(75, rabbit.drainAtLeast(75, 10_000).size());
  }

  @Test
  void startsWithoutABrokerAndRefusesASecondSinkOnTheSameSpool() throws Exception {
    RabbitUsageSink sink = sink(settings("amqp://guest:guest@127.0.0.1:1/"));
    assertFalse(sink.connected());
    Exception refused = assertThrows(Exception.class, () -> await(RabbitUsageSink.start(vertx, settings(RabbitFixture.URL))));
    assertTrue(refused.getMessage().contains("in use by another gateway"), refused.getMessage());
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
