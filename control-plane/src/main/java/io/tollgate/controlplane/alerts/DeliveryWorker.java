package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.store.AlertStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Works the delivery outbox (ADR 0012): claims due deliveries (leased, so each goes out from one
 * instance at a time), sends each, records the attempt, and schedules a failed one again with
 * backoff until it is delivered or out of attempts. Nothing here is on a request's path.
 */
public final class DeliveryWorker {

  private static final Logger LOG = Logger.getLogger(DeliveryWorker.class.getName());
  /** Deliveries claimed per pass. */
  static final int BATCH = 20;
  /** Longer than a send can take (its timeouts): a lease that ends means the instance died mid-send. */
  static final long LEASE_MILLIS = 5 * Senders.TIMEOUT_MS;

  private final Vertx vertx;
  private final Pool pool;
  private final Senders senders;
  private final AlertSettings settings;
  private final AlertMetrics metrics;
  private final AtomicBoolean working = new AtomicBoolean();
  private long timer = -1;

  public DeliveryWorker(Vertx vertx, Pool pool, Senders senders, AlertSettings settings, AlertMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.senders = senders;
    this.settings = settings;
    this.metrics = metrics;
  }

  public void start() {
    timer = vertx.setPeriodic(settings.deliveryPollMillis(), id -> {
      if (working.compareAndSet(false, true)) {
        work().onComplete(done -> {
          working.set(false);
          if (done.failed()) {
            LOG.warning("alert delivery pass failed (" + done.cause() + ")");
          }
        });
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One pass: every claimed delivery tried once. Completes with how many were tried. */
  public Future<Integer> work() {
    return AlertStore.claimDue(pool, BATCH, LEASE_MILLIS).compose(due -> {
      List<Future<Void>> sends = due.stream().map(this::deliver).toList();
      return Future.join(sends).map(done -> due.size());
    });
  }

  private Future<Void> deliver(AlertStore.Due due) {
    return senders.send(due.channel(), Notice.of(due.alert()))
        .compose(sent -> {
          metrics.delivery(due.channel().type(), "delivered");
          return AlertStore.delivered(pool, due);
        }, failure -> {
          long retry = settings.retryDelayMillis(due.attempt());
          metrics.delivery(due.channel().type(), retry < 0 ? "abandoned" : "failed");
          if (retry < 0) {
            LOG.warning("alert " + due.alert().id() + " to channel " + due.channel().org() + "/" + due.channel().id()
                + " not delivered after " + due.attempt() + " attempts: " + failure.getMessage());
          }
          return AlertStore.failed(pool, due, failure.getMessage(), retry);
        });
  }
}
