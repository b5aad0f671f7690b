package io.tollgate.gateway.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Readiness and draining, shared by the verticles and the shutdown hook. */
public final class Lifecycle {

  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();

  public boolean ready() {
    return ready.get() && !draining.get();
  }

  public void markReady() {
    ready.set(true);
  }

  public boolean draining() {
    return draining.get();
  }

  public void startDraining() {
    draining.set(true);
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestEnded() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
