package io.tollgate.gpu.simulator;

import io.tollgate.gpu.simulator.Sequence.State;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * The simulated GPU: vLLM-style continuous batching on one event loop, driven by a single Vert.x timer set
 * for the earliest due sequence (no thread per stream, no busy loop).
 *
 * <ul>
 *   <li>Admission: FIFO; a sequence runs when fewer than maxNumSeqs run and the KV cache has room for its
 *       prompt (+ output so far, after a preemption).</li>
 *   <li>Prefill: first token at admission + prefillMillisPerToken × (prompt tokens − prefix-cached tokens)
 *       + stallBeforeFirstTokenMillis (first admission only).</li>
 *   <li>Decode: then one token every (interTokenMillis + extraTokenDelayMillis) ×
 *       (1 + {@value #BATCH_SLOWDOWN} × (running − 1) / maxNumSeqs): a full batch decodes 1.5× slower than
 *       a lone sequence. Gaps shorter than the timer's 1 ms resolution are honoured on average by emitting
 *       several due tokens in one wake-up.</li>
 *   <li>KV: a running sequence holds prompt + generated tokens. When a token does not fit, the most recently
 *       admitted sequence is preempted back to the head of the queue (vllm:num_preemptions), as vLLM v1 does;
 *       a lone sequence may overflow, having nobody to evict.</li>
 *   <li>Back-pressure: a sequence whose client cannot take more output is parked (it keeps its slot and KV)
 *       until the client drains, then resumes where it stopped.</li>
 * </ul>
 *
 * All methods run on the simulator's event loop; the published counts are volatile for other threads.
 */
final class GpuEngine {

  static final double BATCH_SLOWDOWN = 0.5;
  /** Tokens of one sequence emitted in one wake-up at most, so a tiny ITL cannot hog the event loop. */
  private static final int MAX_TOKENS_PER_WAKE = 64;
  /** After the loop fell this far behind a sequence's schedule, restart its clock instead of bursting. */
  private static final long MAX_CATCH_UP_NANOS = 50_000_000;
  /** Wake-ups due this close to now are served now. */
  private static final long SLACK_NANOS = 200_000;

  private final Vertx vertx;
  private final SimulatorConfig config;
  private final Supplier<SimulatorFaults> faults;
  private final SimulatorMetrics metrics;
  private final PrefixCache prefixCache;

  private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
  private final LinkedHashSet<Sequence> running = new LinkedHashSet<>();
  private final PriorityQueue<Wake> wakes = new PriorityQueue<>();
  private long kvHeld;
  /** Prompt tokens of the waiting sequences (the measure of {@code maxNumQueuedTokens}). */
  private long waitingPromptTokens;
  private int paused;
  private long timerId = -1;
  private long timerDueNanos;
  private boolean inWake;
  private boolean closed;

  private volatile int publishedRunning;
  private volatile int publishedWaiting;
  private volatile int publishedPaused;
  private volatile long publishedKvHeld;

  private record Wake(long dueNanos, Sequence sequence, int epoch) implements Comparable<Wake> {
    boolean current() {
      return epoch == sequence.wakeEpoch
          && (sequence.state == State.PREFILLING || sequence.state == State.DECODING);
    }

    @Override
    public int compareTo(Wake other) {
      return Long.compare(dueNanos, other.dueNanos);
    }
  }

  GpuEngine(Vertx vertx, SimulatorConfig config, Supplier<SimulatorFaults> faults, SimulatorMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.faults = faults;
    this.metrics = metrics;
    this.prefixCache = new PrefixCache(config.kvCacheCapacityTokens());
  }

  void submit(Sequence sequence) {
    if (closed) {
      return;
    }
    sequence.state = State.WAITING;
    waiting.addLast(sequence);
    waitingPromptTokens += sequence.promptTokens;
    admit();
    publish();
  }

  /** Whether a request of this many sequences would have to wait (a full batch, or others already waiting). */
  boolean mustWait(int newSequences) {
    return !waiting.isEmpty() || running.size() + newSequences > config.maxNumSeqs();
  }

  /** Prompt tokens of the waiting sequences. */
  long waitingPromptTokens() {
    return waitingPromptTokens;
  }

  /** The client went away: drop the sequence wherever it is and count it as aborted. */
  void abort(Sequence sequence) {
    if (release(sequence)) {
      metrics.finished(sequence, "abort", System.nanoTime());
      admit();
      publish();
    }
  }

  /** Drops a sequence the server itself gave up on (a sibling of a failed one); not counted as aborted. */
  void cancel(Sequence sequence) {
    if (release(sequence)) {
      admit();
      publish();
    }
  }

  /** Stops the engine: no more timers; sequences are dropped without notifying anyone. */
  void close() {
    closed = true;
    cancelTimer();
    for (Sequence s : new ArrayList<>(running)) {
      release(s);
    }
    for (Sequence s : new ArrayList<>(waiting)) {
      release(s);
    }
    wakes.clear();
    publish();
  }

  SimulatorMetrics metrics() {
    return metrics;
  }

  int running() {
    return publishedRunning;
  }

  int waiting() {
    return publishedWaiting;
  }

  int paused() {
    return publishedPaused;
  }

  double kvCacheUsage() {
    return Math.min(1.0, publishedKvHeld / (double) config.kvCacheCapacityTokens());
  }

  int prefixCacheBlocks() {
    return prefixCache.size();
  }

  private void admit() {
    long now = System.nanoTime();
    while (!closed && !waiting.isEmpty() && running.size() < config.maxNumSeqs()) {
      Sequence head = waiting.peekFirst();
      long need = head.kvTokens();
      if (kvHeld + need > config.kvCacheCapacityTokens() && !running.isEmpty()) {
        break; // FIFO: the head waits for room, and so does everyone behind it
      }
      waiting.pollFirst();
      waitingPromptTokens -= head.promptTokens;
      running.add(head);
      kvHeld += need;
      long cached = 0;
      if (config.prefixCaching()) {
        cached = (long) prefixCache.lookupAndInsert(head.promptBlocks) * PromptTokens.BLOCK_SIZE;
        cached = Math.min(cached, head.promptTokens - 1L); // vLLM always recomputes the last prompt token
      }
      metrics.prefixLookup(need, cached);
      double delayMillis = config.prefillMillisPerToken() * (need - cached);
      if (!head.everAdmitted) {
        head.everAdmitted = true;
        head.cachedTokens = cached;
        delayMillis += faults.get().stallBeforeFirstTokenMillis();
        metrics.queued(now - head.arrivalNanos);
      }
      head.state = State.PREFILLING;
      head.dueNanos = now + (long) (delayMillis * 1_000_000);
      schedule(head);
    }
  }

  private void onWake() {
    timerId = -1;
    inWake = true;
    long now = System.nanoTime();
    try {
      Wake wake;
      while ((wake = wakes.peek()) != null && wake.dueNanos <= now + SLACK_NANOS) {
        wakes.poll();
        if (wake.current()) {
          step(wake.sequence, now);
        }
      }
    } finally {
      inWake = false;
    }
    arm(now);
    publish();
  }

  /** Emits the tokens of one sequence that are due by {@code now}. */
  private void step(Sequence seq, long now) {
    SimulatorFaults f = faults.get();
    long gap = interTokenNanos(f);
    int emitted = 0;
    try {
      while (true) {
        if (f.failAfterTokens() >= 0 && seq.generated >= f.failAfterTokens()) {
          fail(seq);
          return;
        }
        if (f.stallAfterTokens() >= 0 && seq.generated >= f.stallAfterTokens()) {
          seq.state = State.STALLED; // keeps its slot and KV; only the client leaving ends it
          return;
        }
        if (!seq.observer.writable()) {
          park(seq);
          return;
        }
        if (!makeRoomForOneToken(seq)) {
          return; // it was itself preempted
        }
        emit(seq, now);
        if (seq.generated >= seq.targetTokens) {
          finish(seq, now);
          return;
        }
        seq.state = State.DECODING;
        seq.dueNanos += gap;
        if (++emitted >= MAX_TOKENS_PER_WAKE || seq.dueNanos > now + SLACK_NANOS) {
          break;
        }
      }
    } finally {
      seq.observer.flush();
    }
    if (now - seq.dueNanos > MAX_CATCH_UP_NANOS) {
      seq.dueNanos = now + gap;
    }
    schedule(seq);
  }

  private long interTokenNanos(SimulatorFaults f) {
    double base = config.interTokenMillis() + f.extraTokenDelayMillis();
    double load = 1 + BATCH_SLOWDOWN * Math.max(0, running.size() - 1) / config.maxNumSeqs();
    return (long) (base * load * 1_000_000);
  }

  private void emit(Sequence seq, long now) {
    String text = seq.nextTokenText();
    seq.generated++;
    kvHeld++;
    if (seq.firstTokenNanos < 0) {
      seq.firstTokenNanos = now;
      metrics.firstToken(seq, now);
    } else {
      metrics.nextToken(now - seq.lastTokenNanos);
    }
    seq.lastTokenNanos = now;
    seq.observer.onToken(seq, text, seq.generated >= seq.targetTokens);
  }

  private boolean makeRoomForOneToken(Sequence seq) {
    while (kvHeld + 1 > config.kvCacheCapacityTokens() && running.size() > 1) {
      Sequence victim = lastRunning();
      preempt(victim);
      if (victim == seq) {
        return false;
      }
    }
    return true;
  }

  private Sequence lastRunning() {
    Sequence last = null;
    for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
      last = it.next();
    }
    return last;
  }

  private void preempt(Sequence victim) {
    release(victim);
    victim.state = State.WAITING;
    waiting.addFirst(victim);
    waitingPromptTokens += victim.promptTokens;
    metrics.preemptions++;
  }

  private void park(Sequence seq) {
    seq.state = State.PAUSED;
    paused++;
    int epoch = ++seq.wakeEpoch;
    seq.observer.onWritable(() -> resume(seq, epoch));
  }

  private void resume(Sequence seq, int epoch) {
    if (seq.state != State.PAUSED || seq.wakeEpoch != epoch) {
      return;
    }
    paused--;
    seq.state = State.DECODING;
    seq.dueNanos = System.nanoTime();
    schedule(seq);
    publish();
  }

  private void finish(Sequence seq, long now) {
    release(seq);
    metrics.finished(seq, seq.finishReason, now);
    admit();
  }

  private void fail(Sequence seq) {
    release(seq);
    metrics.errorsInjected++;
    seq.observer.onFailure(seq, new ApiError(500,
        "Simulated engine failure after " + seq.generated + " tokens (injected fault).", null));
    admit();
  }

  /** Takes a sequence out of the queue or the batch and frees its KV; false if it had already ended. */
  private boolean release(Sequence seq) {
    switch (seq.state) {
      case FINISHED:
        return false;
      case WAITING:
        waiting.remove(seq);
        waitingPromptTokens -= seq.promptTokens;
        break;
      case PAUSED:
        paused--;
        running.remove(seq);
        kvHeld -= seq.kvTokens();
        break;
      default:
        running.remove(seq);
        kvHeld -= seq.kvTokens();
        break;
    }
    seq.state = State.FINISHED;
    seq.wakeEpoch++;
    // Published before the sequence's last bytes are flushed, so a client that has read the end
    // of its stream never sees stats that still count it.
    publish();
    return true;
  }

  private void schedule(Sequence seq) {
    wakes.add(new Wake(seq.dueNanos, seq, seq.wakeEpoch));
    if (!inWake) {
      arm(System.nanoTime());
    }
  }

  /** Keeps one timer set for the earliest current wake-up (stale ones are dropped lazily). */
  private void arm(long now) {
    Wake head;
    while ((head = wakes.peek()) != null && !head.current()) {
      wakes.poll();
    }
    if (head == null || closed) {
      cancelTimer();
      return;
    }
    // An armed timer that fires no more than 1 ms late for the new head is good enough (the timer has
    // millisecond resolution anyway); re-arming on every change would churn.
    if (timerId != -1 && timerDueNanos <= head.dueNanos + 1_000_000) {
      return;
    }
    cancelTimer();
    long delayMillis = Math.max(1, (head.dueNanos - now + 999_999) / 1_000_000);
    timerDueNanos = now + delayMillis * 1_000_000;
    timerId = vertx.setTimer(delayMillis, id -> onWake());
  }

  private void cancelTimer() {
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private void publish() {
    publishedRunning = running.size();
    publishedWaiting = waiting.size();
    publishedPaused = paused;
    publishedKvHeld = kvHeld;
  }

  /** For diagnostics and tests: sequences currently running, in admission order. */
  List<Sequence> runningSequences() {
    return List.copyOf(running);
  }
}
