package io.tollgate.gateway.usage;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded in-memory queue between the write-ahead log's lanes and the publisher: lock-free
 * offers, one consumer. Besides events it carries markers (flush requests) that do not count
 * against the capacity, so a flush is ordered after every event emitted before it.
 */
final class EventBuffer {

  private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
  private final AtomicInteger events = new AtomicInteger();
  private final int capacity;

  EventBuffer(int capacity) {
    this.capacity = capacity;
  }

  /** False when full: the caller spills the event to the spool instead. */
  boolean offer(UsageWal.Entry event) {
    if (events.incrementAndGet() > capacity) {
      events.decrementAndGet();
      return false;
    }
    items.add(event);
    return true;
  }

  void mark(Object marker) {
    items.add(marker);
  }

  /** The next event or marker, or null. */
  Object poll() {
    Object item = items.poll();
    if (item instanceof UsageWal.Entry) {
      events.decrementAndGet();
    }
    return item;
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  int events() {
    return events.get();
  }

  int capacity() {
    return capacity;
  }
}
