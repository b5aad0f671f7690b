package io.tollgate.gateway.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Readiness and draining, shared by the verticles and the shutdown hook. Draining has two steps:
 * first readiness goes false while new requests are still served (the drain delay, while load
 * balancers notice), then new requests are refused with 503 while those in flight finish.
 */
public final class Lifecycle {

  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean refusing = new AtomicBoolean();
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

  /** Readiness answers 503 from now on; new requests are still served. */
  public void startDraining() {
    draining.set(true);
  }

  /** After the drain delay: the listener closes and a new request on a kept-alive connection gets 503. */
  public void refuseNewRequests() {
    draining.set(true);
    refusing.set(true);
  }

  public boolean refusing() {
    return refusing.get();
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
