package io.tollgate.gateway.usage;

import io.vertx.core.Context;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The usage events' write-ahead log: every event is written to a local file (and fsynced, in groups)
 * before the publisher sees it, and stays there until the broker confirmed it or the spool holds it
 * durably. A gateway killed with -9 (OOM kill, node loss) finds, at its next start, every event it had
 * not delivered, and replays it; what it had delivered and finds again is dropped by the consumer,
 * which keeps one row per event id.
 *
 * <p>An event loop writes its own events, once per turn, in the turn that sent the answers they
 * account for ({@link WalLane}, one per loop, with its own segment files): the goal is that no event
 * of an answer that ended more than 10 ms before a kill -9 is lost, and a writer thread (as before)
 * was sometimes not scheduled for longer than that on two busy cores. Other threads write to a shared
 * lane at once. The loops only write(): the syncer ({@link WalSyncer}) fsyncs in groups every 10 ms
 * (a node's loss costs about that), creates the next segments, seals idle ones, closes and deletes
 * ({@link WalSegments}).
 */
final class UsageWal {

  static final long DEFAULT_SEGMENT_BYTES = 4L << 20;
  private static final Logger LOG = Logger.getLogger(UsageWal.class.getName());

  /** An event written to the log: its segment (for {@link #done}) and its JSON. */
  record Entry(long segment, byte[] body) {
  }

  /** What the lanes hand on after a write: entries, and markers in their order among them. Any thread. */
  interface Handoff {
    void entries(List<Entry> entries);

    void marker(Object marker);
  }

  private final WalSegments segments;
  private final long segmentBytes;
  private final WalSyncer syncer;
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong recovered;
  private final LongAdder written = new LongAdder();
  private final AtomicLong unencodable = new AtomicLong();
  private final AtomicLong unprepared = new AtomicLong();
  private final List<WalLane> lanes = new CopyOnWriteArrayList<>();
  /** Each event loop's lane, made at its first event. */
  private final ThreadLocal<WalLane> loopLane = new ThreadLocal<>();
  private final WalLane shared;
  private volatile LongConsumer writeNanos = nanos -> { };
  private volatile Handoff handoff;
  private volatile boolean closed;

  private UsageWal(WalSegments segments, AtomicLong recovered, long segmentBytes, boolean fsync) {
    this.segments = segments;
    this.recovered = recovered;
    this.segmentBytes = segmentBytes;
    this.syncer = new WalSyncer(syncs, fsync, this::round);
    this.shared = lane("shared");
  }

  /**
   * Opens (creating) the log folder, moves the events an earlier run left in it to the spool (where
   * the publisher replays them) and deletes those segments once the spool has them on disk. Blocking.
   */
  static UsageWal open(Path dir, long segmentBytes, boolean fsync, DiskSpool spool) {
    AtomicLong recovered = new AtomicLong();
    WalSegments segments = WalSegments.open(dir, spool, recovered);
    return new UsageWal(segments, recovered, segmentBytes, fsync);
  }

  /** The lines a crash left whole; a last line without its newline was cut short by the crash. */
  static List<byte[]> completeLines(byte[] bytes) {
    return WalSegments.completeLines(bytes);
  }

  void start(Handoff next) {
    this.handoff = next;
    syncer.start();
  }

  /**
   * On the request path: on an event loop, kept for the one write at the end of this turn; on any
   * other thread, written at once. Never creates, fsyncs or deletes a file on a loop (unless no
   * segment was prepared: counted).
   *
   * @return false once the log is closed (the caller spools the event)
   */
  boolean append(UsageEvent event) {
    if (closed) {
      return false;
    }
    byte[] body = encode(event);
    if (body == null) {
      return true;
    }
    if (Context.isOnEventLoopThread()) {
      return loopLane().appendThisTurn(body);
    }
    return shared.appendNow(body);
  }

  /**
   * Makes the lanes of the Vert.x instance's event loops now, on each loop, so that the syncer
   * prepares their first segments before their first events (else each loop's first write creates
   * its file itself).
   */
  void laneForEachLoop(io.vertx.core.Vertx vertx) {
    for (io.netty.util.concurrent.EventExecutor loop : ((io.vertx.core.internal.VertxInternal) vertx).eventLoopGroup()) {
      loop.execute(this::loopLane);
    }
  }

  /** A marker handed on after every event appended before it (each lane's kept events written first). */
  void mark(Object marker) {
    for (WalLane lane : lanes) {
      lane.flushForMarker();
    }
    handoff.marker(marker);
  }

  /** The entry reached the broker, or the spool has it on disk: the log need not keep it. Any thread. */
  void done(Entry entry) {
    segments.done(entry.segment());
  }

  void done(List<Entry> entries) {
    for (Entry entry : entries) {
      done(entry);
    }
  }

  /**
   * Writes what the lanes keep, seals their segments and stops the syncer once they are fsynced and
   * closed; segments whose events are all done are deleted, the others stay for the next start.
   */
  CompletableFuture<Void> close() {
    closed = true;
    for (WalLane lane : lanes) {
      lane.close();
    }
    return syncer.stop().thenRun(() -> {
      for (WalLane lane : lanes) {
        lane.discardPrepared();
      }
      segments.deleteDone();
    });
  }

  /** Receives each lane write's duration (ns), on the thread that wrote (an event loop, mostly). */
  void observeWrites(LongConsumer observer) {
    writeNanos = observer;
  }

  boolean closed() {
    return closed;
  }

  long written() {
    return written.sum();
  }

  long syncs() {
    return syncs.get();
  }

  long recovered() {
    return recovered.get();
  }

  /** Events that could not be encoded (logged, dropped); UsageEvent's constructor keeps this 0. */
  long unencodable() {
    return unencodable.get();
  }

  /** Segments a lane had to create itself, on its own thread, because none was prepared. */
  long unprepared() {
    return unprepared.get();
  }

  // From the lanes.

  void unpreparedSegment() {
    unprepared.incrementAndGet();
  }

  void wrote(int events, long nanos) {
    written.add(events);
    writeNanos.accept(nanos);
  }

  void handOn(List<Entry> entries) {
    handoff.entries(entries);
  }

  /** This event loop's lane, made at its first use. */
  private WalLane loopLane() {
    WalLane lane = loopLane.get();
    if (lane == null) {
      lane = lane(Thread.currentThread().getName());
      loopLane.set(lane);
    }
    return lane;
  }

  private WalLane lane(String name) {
    WalLane lane = new WalLane(name, this, segments, syncer, segmentBytes);
    lanes.add(lane);
    return lane;
  }

  /** The syncer's round: each lane's fsync, idle seal and next segment; then the done segments go. */
  private void round() {
    for (WalLane lane : lanes) {
      lane.round(closed);
    }
    segments.deleteDone();
  }

  /**
   * The event's JSON, or null (logged and counted) when it cannot be encoded: one bad event must not
   * stop the log.
   */
  private byte[] encode(UsageEvent event) {
    try {
      return UsageEventJson.bytes(event);
    } catch (RuntimeException e) {
      unencodable.incrementAndGet();
      LOG.log(Level.SEVERE, "usage event " + event.eventId() + " cannot be encoded; dropped", e);
      return null;
    }
  }
}
