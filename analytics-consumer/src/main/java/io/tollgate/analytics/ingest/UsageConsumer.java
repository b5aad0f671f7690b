package io.tollgate.analytics.ingest;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.tollgate.analytics.config.BrokerSettings;
import io.tollgate.analytics.store.UsageRecord;
import io.tollgate.analytics.store.UsageWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgException;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads usage events from the quorum queue into PostgreSQL, one batch at a time:
 * unpack and parse → dead-letter what can never be stored, event by event → one idempotent
 * statement (raw rows and rollups) → acknowledge the batch's messages (ack "multiple" up to its
 * last delivery tag) once that has committed. A message holds one event or many
 * ({@link UsageMessages}); a batch is made of whole messages. An event is thus acknowledged only
 * after it is stored, and stored once however often it comes (the event id decides).
 *
 * <p>Messages are parsed on the AMQP client's delivery thread; all other state lives on this
 * verticle's event loop, and every AMQP call (a blocking client) runs in ordered
 * {@code executeBlocking} on it, so calls on the channel never overlap and never block the loop. A lost connection drops the unacknowledged batch (the broker delivers it again) and
 * reconnects after {@code reconnectDelayMs}.
 */
public final class UsageConsumer extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(UsageConsumer.class.getName());
  private static final long DEAD_LETTER_CONFIRM_MILLIS = 5_000;
  private static final long WRITE_RETRY_MILLIS = 500;
  private static final int MAX_REASON_LENGTH = 1_000;

  /** One connection and its channel; deliveries of an older session are stale. */
  private record Session(Connection connection, Channel channel) {
  }

  /** A message as delivered, already unpacked and parsed (on the AMQP client's thread, off the event loop). */
  private record Delivery(Session session, long tag, AMQP.BasicProperties properties,
                          List<UsageMessages.Event> events) {
  }

  /** An event that can never be stored, and the message it came in. */
  private record Poison(Delivery delivery, UsageMessages.Event event, String reason) {
  }

  private final BrokerSettings settings;
  private final UsageWriter writer;
  private final ConnectionFactory factory;
  private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
  private int pendingEvents;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  // Events per message received, to a histogram once metrics are bound (AnalyticsMetrics).
  private volatile java.util.function.IntConsumer messageSizes = events -> { };
  private final AtomicLong inserted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong writeRetries = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final EventParser parser = new EventParser();
  private volatile Session session;
  /** The session whose basicConsume the broker accepted: deliveries can flow (readiness). */
  private volatile Session consumingSession;
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean writing;
  private long batchTimer = -1;
  private boolean stopping;
  private boolean warnedAway;

  public UsageConsumer(BrokerSettings settings, UsageWriter writer) {
    this.settings = settings;
    this.writer = writer;
    this.factory = AmqpConnections.factory(settings.url());
  }

  @Override
  public Future<?> start() {
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (batchTimer >= 0) {
      vertx.cancelTimer(batchTimer);
    }
    // Let the batch being written commit and be acknowledged; what is still pending is redelivered.
    return inFlight.transform(ignored -> closeSession(session));
  }

  public IngestMetrics metrics() {
    return new IngestMetrics(received.get(), inserted.get(), duplicates.get(), deadLettered.get(), batches.get(),
        writeRetries.get(), connects.get(), messages.get());
  }

  /** Receives the event count of every message delivered (on the verticle's event loop). */
  public void observeMessageSizes(java.util.function.IntConsumer observer) {
    messageSizes = observer;
  }

  /** Whether a session is open now (it may still be setting up its consumer). */
  public boolean connected() {
    Session current = session;
    return current != null && current.channel().isOpen();
  }

  /** Whether the broker accepted our consumer on the current, open session: events can arrive. */
  public boolean consuming() {
    Session current = consumingSession;
    return current != null && current == session && current.channel().isOpen();
  }

  private void connect() {
    if (stopping) {
      return;
    }
    context.<Session>executeBlocking(() -> {
      Connection connection = factory.newConnection("tollgate-analytics-consumer");
      try {
        Channel channel = connection.createChannel();
        Topology.declare(channel, settings);
        channel.basicQos(settings.prefetch());
        // Dead-letter publishes are confirmed before the poison message is acknowledged.
        channel.confirmSelect();
        return new Session(connection, channel);
      } catch (Exception e) {
        connection.abort(100);
        throw e;
      }
    }, true).compose(this::consume).onComplete(done -> {
      if (done.failed()) {
        if (!warnedAway) {
          LOG.log(Level.WARNING, "usage consumer: RabbitMQ unavailable at " + settings.url().replaceAll(":[^:@/]*@", ":***@")
              + " (" + done.cause() + "); retrying every " + settings.reconnectDelayMs() + " ms");
          warnedAway = true;
        }
        vertx.setTimer(settings.reconnectDelayMs(), id -> connect());
      }
    });
  }

  private Future<Void> consume(Session opened) {
    if (stopping) {
      return closeSession(opened);
    }
    session = opened;
    connects.incrementAndGet();
    if (warnedAway) {
      LOG.info("usage consumer: connected to RabbitMQ again");
      warnedAway = false;
    }
    opened.connection().addShutdownListener(cause -> context.runOnContext(v -> sessionLost(opened, cause)));
    DefaultConsumer consumer = new DefaultConsumer(opened.channel()) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        // Parsing is the CPU-heavy part of ingest: done here, on the client's delivery thread.
        Delivery delivery = new Delivery(opened, envelope.getDeliveryTag(), properties,
            UsageMessages.unpack(parser, properties, body));
        context.runOnContext(v -> onDelivery(delivery));
      }

      @Override
      public void handleCancel(String tag) {
        // The queue was deleted, or the broker cancelled us: start over with a new session.
        context.runOnContext(v -> sessionLost(opened, null));
      }
    };
    return context.executeBlocking(() -> opened.channel().basicConsume(settings.queue(), false, consumer), true)
        .onSuccess(tag -> {
          if (session == opened) {
            consumingSession = opened;
          }
        })
        .mapEmpty();
  }

  private void sessionLost(Session lost, ShutdownSignalException cause) {
    if (session != lost) {
      return;
    }
    session = null;
    consumingSession = null;
    pending.clear(); // unacknowledged: the broker delivers them again
    pendingEvents = 0;
    closeSession(lost);
    if (!stopping) {
      LOG.warning("usage consumer: connection to RabbitMQ lost (" + (cause != null ? cause.getMessage() : "consumer cancelled")
          + "); reconnecting");
      vertx.setTimer(settings.reconnectDelayMs(), id -> connect());
    }
  }

  private Future<Void> closeSession(Session closing) {
    if (closing == null) {
      return Future.succeededFuture();
    }
    if (session == closing) {
      session = null;
    }
    if (consumingSession == closing) {
      consumingSession = null;
    }
    return context.executeBlocking(() -> {
      closing.connection().abort(1_000);
      return null;
    }, true);
  }

  private void onDelivery(Delivery delivery) {
    if (delivery.session() != session || stopping) {
      return;
    }
    messages.incrementAndGet();
    received.addAndGet(delivery.events().size());
    messageSizes.accept(delivery.events().size());
    pending.add(delivery);
    pendingEvents += delivery.events().size();
    if (pendingEvents >= settings.batchSize()) {
      writeNext();
    } else if (batchTimer < 0) {
      batchTimer = vertx.setTimer(settings.batchMaxDelayMs(), id -> {
        batchTimer = -1;
        writeNext();
      });
    }
  }

  private void writeNext() {
    if (writing || pending.isEmpty() || stopping) {
      return;
    }
    if (batchTimer >= 0) {
      vertx.cancelTimer(batchTimer);
      batchTimer = -1;
    }
    // Whole messages, up to batchSize events (a message bigger than that goes alone).
    List<Delivery> batch = new ArrayList<>();
    int events = 0;
    while (!pending.isEmpty()
        && (batch.isEmpty() || events + pending.peek().events().size() <= settings.batchSize())) {
      Delivery next = pending.poll();
      events += next.events().size();
      batch.add(next);
    }
    pendingEvents -= events;
    writing = true;
    inFlight = process(batch).onComplete(done -> {
      writing = false;
      if (done.failed()) {
        LOG.log(Level.WARNING, "usage consumer: batch of " + batch.size() + " left unacknowledged (" + done.cause()
            + "); the broker delivers it again", done.cause());
      }
      if (pendingEvents >= settings.batchSize()) {
        writeNext();
      } else if (!pending.isEmpty() && batchTimer < 0) {
        batchTimer = vertx.setTimer(settings.batchMaxDelayMs(), id -> {
          batchTimer = -1;
          writeNext();
        });
      }
    }).mapEmpty();
  }

  private Future<Void> process(List<Delivery> batch) {
    Session owner = batch.get(0).session();
    List<UsageRecord> records = new ArrayList<>(batch.size());
    Map<UsageRecord, Poison> sources = new HashMap<>();
    List<Poison> poisons = new ArrayList<>();
    for (Delivery delivery : batch) {
      for (UsageMessages.Event event : delivery.events()) {
        EventParser.Parsed parsed = event.parsed();
        if (parsed.record() != null) {
          records.add(parsed.record());
          // Where the record came from, should PostgreSQL refuse it (the reason is set then).
          sources.put(parsed.record(), new Poison(delivery, event, null));
        } else {
          poisons.add(new Poison(delivery, event, parsed.reason()));
        }
      }
    }
    long lastTag = batch.get(batch.size() - 1).tag();
    return deadLetter(owner, poisons)
        .compose(v -> store(owner, records, sources))
        .compose(v -> {
          batches.incrementAndGet();
          return acknowledge(owner, lastTag);
        });
  }

  /** Writes the records; retries while PostgreSQL is away; isolates a record PostgreSQL refuses. */
  private Future<Void> store(Session owner, List<UsageRecord> records, Map<UsageRecord, Poison> sources) {
    return writer.write(records).transform(result -> {
      if (result.succeeded()) {
        inserted.addAndGet(result.result());
        duplicates.addAndGet(records.size() - result.result());
        return Future.succeededFuture();
      }
      if (session != owner || stopping) {
        return Future.failedFuture(result.cause());
      }
      if (isDataError(result.cause()) && records.size() > 1) {
        return storeOneByOne(owner, records, sources);
      }
      if (isDataError(result.cause())) {
        Poison refused = sources.get(records.get(0));
        return deadLetter(owner, List.of(new Poison(refused.delivery(), refused.event(),
            "PostgreSQL refused the event: " + result.cause().getMessage())));
      }
      writeRetries.incrementAndGet();
      LOG.warning("usage consumer: PostgreSQL write failed (" + result.cause().getMessage() + "); retrying");
      Promise<Void> retried = Promise.promise();
      vertx.setTimer(WRITE_RETRY_MILLIS, id -> store(owner, records, sources).onComplete(retried));
      return retried.future();
    });
  }

  private Future<Void> storeOneByOne(Session owner, List<UsageRecord> records, Map<UsageRecord, Poison> sources) {
    Future<Void> chain = Future.succeededFuture();
    for (UsageRecord record : records) {
      chain = chain.compose(v -> store(owner, List.of(record), sources));
    }
    return chain;
  }

  /** Invalid data (class 22) or a violated constraint (class 23): the same row fails every time. */
  private static boolean isDataError(Throwable cause) {
    return cause instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  /**
   * Publishes each poison event to the dead-letter exchange with the reason in headers, with
   * confirms: alone, as a single-event message, when it came in a batch (the batch's other events
   * are stored), else as the message it came in. Its message is acknowledged with its batch
   * afterwards. If that publish fails, the messages holding poison are rejected instead, and the
   * queue's own dead-lettering moves them whole (reason "rejected" in x-death; a replay then
   * offers the batch's stored events again, which the consumer drops by event id).
   */
  private Future<Void> deadLetter(Session owner, List<Poison> poisons) {
    if (poisons.isEmpty()) {
      return Future.succeededFuture();
    }
    String failedAt = Instant.now().toString();
    return context.executeBlocking(() -> {
      Channel channel = owner.channel();
      try {
        for (Poison poison : poisons) {
          Map<String, Object> headers = new HashMap<>();
          headers.put("x-tollgate-reason", truncate(poison.reason()));
          headers.put("x-tollgate-queue", settings.queue());
          headers.put("x-tollgate-failed-at", failedAt);
          AMQP.BasicProperties original = poison.delivery().properties();
          if (poison.event().wholeMessage() && original != null && original.getHeaders() != null) {
            original.getHeaders().forEach(headers::putIfAbsent); // a batch's envelope headers, for a replay
          }
          String contentType = !poison.event().wholeMessage() ? UsageMessages.EVENT_CONTENT_TYPE
              : original != null ? original.getContentType() : null;
          AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
              .contentType(contentType)
              .deliveryMode(2)
              .headers(headers)
              .build();
          channel.basicPublish(settings.deadLetterExchange(), settings.queue(), properties, poison.event().body());
        }
        if (!channel.waitForConfirms(DEAD_LETTER_CONFIRM_MILLIS)) {
          throw new java.io.IOException("dead-letter publish nacked");
        }
      } catch (Exception e) {
        LOG.log(Level.WARNING, "usage consumer: dead-letter publish failed; rejecting instead", e);
        // Once per message: a batch may hold several poison events.
        for (long tag : poisons.stream().mapToLong(poison -> poison.delivery().tag()).distinct().toArray()) {
          channel.basicNack(tag, false, false);
        }
      }
      return null;
    }, true).onSuccess(v -> {
      deadLettered.addAndGet(poisons.size());
      poisons.forEach(poison -> LOG.warning("usage consumer: event dead-lettered: " + poison.reason()));
    }).mapEmpty();
  }

  private Future<Void> acknowledge(Session owner, long lastTag) {
    if (session != owner) {
      return Future.failedFuture("connection lost before the acknowledgement; the broker delivers the batch again");
    }
    return context.executeBlocking(() -> {
      owner.channel().basicAck(lastTag, true);
      return null;
    }, true);
  }

  private static String truncate(String reason) {
    return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "…";
  }
}
