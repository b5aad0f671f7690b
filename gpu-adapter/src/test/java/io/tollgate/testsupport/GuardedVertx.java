package io.tollgate.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x instance for tests whose blocked-thread checker records every warning, so that a test
 * can fail when anything blocked an event loop (instead of the warning going to a log nobody reads).
 *
 * <p>Use {@link #create()} in a {@code @BeforeEach}/{@code @BeforeAll} and call
 * {@link #assertNothingBlocked()} before closing.
 */
public final class GuardedVertx {

  /**
   * Event-loop tasks longer than this count as blocking: Vert.x's own warning threshold. Lower
   * values turn a busy 2-core machine's scheduling hiccups into false failures.
   */
  public static final long MAX_EVENT_LOOP_MILLIS = 2_000;

  private final Vertx vertx;
  private final List<BlockedThreadEvent> blocked = new CopyOnWriteArrayList<>();

  private GuardedVertx(Vertx vertx) {
    this.vertx = vertx;
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(event -> {
      // Worker threads may legitimately run long; only event loops must never block.
      if (event.thread().getName().contains("eventloop")) {
        blocked.add(event);
      }
    });
  }

  public static GuardedVertx create() {
    return new GuardedVertx(Vertx.vertx(options()));
  }

  /** On a transport of the caller's choice (the one production picks, for the gateway's suite). */
  public static GuardedVertx create(io.vertx.core.transport.Transport transport) {
    return new GuardedVertx(Vertx.builder().with(options()).withTransport(transport).build());
  }

  private static VertxOptions options() {
    return new VertxOptions()
        .setBlockedThreadCheckInterval(100)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  public Vertx vertx() {
    return vertx;
  }

  public List<BlockedThreadEvent> blockedEvents() {
    return List.copyOf(blocked);
  }

  /** Fails when the blocked-thread checker saw an event loop blocked since creation. */
  public void assertNothingBlocked() {
    if (!blocked.isEmpty()) {
      throw new AssertionError("Vert.x blocked-thread checker fired: " + blocked);
    }
  }

  /** Asserts nothing blocked, then closes Vert.x and waits for it (test threads only). */
  public void closeAndAssert() throws Exception {
    try {
      assertNothingBlocked();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
