package io.tollgate.gateway.stream;

import io.tollgate.gateway.metrics.GatewayMetrics;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.CompletionRequest;
import io.tollgate.gateway.route.BackendAttempts;
import io.tollgate.gateway.route.BackendState;
import io.tollgate.gateway.trace.RequestSpan;
import io.tollgate.gateway.upstream.UpstreamCall;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Forwards one admitted request's answer from a backend to the client: streams SSE events as they
 * come with the client's back-pressure reaching the backend, or passes a whole response on; keeps
 * the first-token, idle and total timeouts and the keep-alives; retries another backend when the
 * chosen one fails before any byte reached the client. Ends with an {@link Outcome}; what it
 * learned (tokens, timings, backend) is read from it afterwards, by the accounting.
 *
 * <p>Everything here runs on the event loop of the client's connection; the fields need no locks.
 */
public final class ResponseRelay {

  /** One SSE event larger than this is taken as a broken upstream, not buffered further. */
  private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

  private final BackendAttempts attempts;
  private final ClientWriter writer;
  private final CompletionRequest completion;
  private final StreamWatchdog watchdog;
  private final GatewayMetrics metrics;
  private final RequestSpan span;
  private final long startNanos;
  private final long keepAliveMillis;
  private final Promise<Outcome> ending = Promise.promise();

  private UpstreamCall upstream;
  private SseForwarder forwarder;
  private boolean upstreamPaused;
  private boolean finished;
  private boolean backendFailed;
  private boolean clientGone;
  private long firstTokenNanos = -1;
  private long lastTokenNanos;
  private long lastUpstreamDataNanos;
  private long lastClientWriteNanos;
  private JsonObject usage;
  private String wholeAnswerId;
  /** Told the answer's id as soon as it is known; a whole answer waits for what it returns. Null: nobody asks. */
  private Function<String, Future<Void>> answerIdListener;
  private boolean answerIdTold;
  private String streamErrorCode;
  /** The model's inter-token gap timer, looked up once per stream rather than once per token. */
  private Timer tokenGaps;

  public ResponseRelay(BackendAttempts attempts, ClientWriter writer, CompletionRequest completion,
                       StreamWatchdog watchdog, GatewayMetrics metrics, RequestSpan span, long startNanos,
                       long keepAliveMillis) {
    this.attempts = attempts;
    this.writer = writer;
    this.completion = completion;
    this.watchdog = watchdog;
    this.metrics = metrics;
    this.span = span;
    this.startNanos = startNanos;
    this.keepAliveMillis = keepAliveMillis;
    this.lastClientWriteNanos = startNanos;
  }

  /**
   * Has {@code listener} told the answer's id as soon as the backend names it: before a whole answer
   * is written (which waits for the returned future, failed or not), or when a stream opens its
   * response (not waited for: the event is written to the backend's connection first, so anything the
   * listener sends is on its way before the client can read the id). Set before {@link #start}.
   */
  public void tellAnswerIdTo(Function<String, Future<Void>> listener) {
    this.answerIdListener = listener;
  }

  public Future<Outcome> start() {
    writer.response().closeHandler(v -> onClientGone());
    writer.response().exceptionHandler(e -> onClientGone());
    writer.response().drainHandler(v -> resumeUpstream());
    writer.whenFull(this::pauseUpstream);
    watchdog.register(this);
    attempt();
    return ending.future();
  }

  // ---- what the accounting reads -----------------------------------------------------------

  public BackendAttempts attempts() {
    return attempts;
  }

  /** The backend's usage object (prompt/completion/cached tokens), or null when it sent none. */
  public JsonObject usage() {
    return usage;
  }

  /** Content chunks streamed: the completion-token count when the backend's usage never came. */
  public long textChunks() {
    return forwarder != null ? forwarder.textChunks() : 0;
  }

  /**
   * The id of the answer as the backend named it (a whole answer's {@code id}, or the response a
   * Responses stream opened), or null.
   */
  public String answerId() {
    if (wholeAnswerId != null) {
      return wholeAnswerId;
    }
    StreamEvents events = streamEvents();
    JsonObject opened = events != null ? events.openingResponse() : null;
    return opened != null && opened.getValue("id") instanceof String id ? id : null;
  }

  /** What the stream's events said (null for a whole answer, or before the stream began). */
  public StreamEvents streamEvents() {
    return forwarder != null ? forwarder.events() : null;
  }

  public long firstTokenNanos() {
    return firstTokenNanos;
  }

  public boolean clientGone() {
    return clientGone;
  }

  /** The code of an error event the backend sent inside a stream that otherwise completed, or null. */
  public String streamErrorCode() {
    return streamErrorCode;
  }

  // ---- attempts ----------------------------------------------------------------------------

  private void attempt() {
    attempts.next().onSuccess(attempt -> {
      if (finished) {
        if (attempt.response() != null) {
          attempt.response().reset();
        }
      } else if (attempt.refusal() != null) {
        finish(Outcome.refused(attempt.refusal()));
      } else if (completion.stream()) {
        startStreaming(attempt.response());
      } else {
        readWhole(attempt.response());
      }
    });
  }

  /** The backend failed: another attempt if nothing reached the client yet, else the end. */
  private void onUpstreamFailure(Throwable cause) {
    if (finished) {
      return;
    }
    backendFailed = true;
    upstream = null;
    if (attempts.failed(cause)) {
      forwarder = null;
      attempt();
      return;
    }
    takeUsage();
    finish(Outcome.refused(attempts.classify(cause)));
  }

  // ---- a whole response --------------------------------------------------------------------

  private void readWhole(UpstreamCall response) {
    response.body().onComplete(body -> {
      if (finished) {
        return;
      }
      if (body.failed()) {
        onUpstreamFailure(body.cause());
        return;
      }
      firstTokenNanos = System.nanoTime();
      attempts.routing().firstToken(attempts.backend(), (firstTokenNanos - startNanos) / 1e6);
      UsageField.Found found = UsageField.read(body.result());
      usage = found.usage();
      wholeAnswerId = found.id();
      if (answerIdListener == null || wholeAnswerId == null) {
        sendWhole(response, body.result());
        return;
      }
      answerIdTold = true;
      writer.onItsLoop(answerIdListener.apply(wholeAnswerId), told -> {
        if (!finished) {
          sendWhole(response, body.result());
        }
      });
    });
  }

  private void sendWhole(UpstreamCall response, Buffer body) {
    writer.sendWhole(response.header(HttpHeaders.CONTENT_TYPE), body, backendId(), attempts.route().name());
    finish(Outcome.COMPLETED);
  }

  // ---- streaming ---------------------------------------------------------------------------

  private void startStreaming(UpstreamCall response) {
    upstream = response;
    forwarder = new SseForwarder(StreamEvents.of(completion.endpoint(), !completion.clientWantsUsage()));
    lastUpstreamDataNanos = System.nanoTime();
    // The client's headers wait for the first bytes: until then a failing backend can still be
    // retried elsewhere, or answered with a proper status.
    response.handler(chunk -> {
      if (response == upstream) {
        onUpstreamData(chunk);
      }
    });
    response.exceptionHandler(cause -> {
      if (response == upstream) {
        onUpstreamFailure(cause);
      }
    });
    response.endHandler(v -> {
      if (response == upstream) {
        onUpstreamEnd();
      }
    });
  }

  private void onUpstreamData(Buffer chunk) {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    lastUpstreamDataNanos = now;
    int tokensBefore = forwarder.tokenChunks();
    Buffer out = forwarder.process(chunk);
    if (answerIdListener != null && !answerIdTold) {
      tellStreamAnswerId();
    }
    if (forwarder.tokenChunks() > tokensBefore) {
      if (firstTokenNanos < 0) {
        firstTokenNanos = now;
        attempts.routing().firstToken(attempts.backend(), (now - startNanos) / 1e6);
        span.event("first_token");
      } else {
        if (tokenGaps == null) {
          tokenGaps = metrics.interTokenGaps(completion.model());
        }
        tokenGaps.record(now - lastTokenNanos, TimeUnit.NANOSECONDS);
      }
      lastTokenNanos = now;
    }
    if (forwarder.sawDone()) {
      // Complete for the client: the last bytes wait for the settlement (see Outcome). The rest of
      // the backend's response (its chunked terminator) is drained by the client pool.
      takeUsage();
      writer.startStream(backendId(), attempts.route().name());
      finish(Outcome.completedStream(out));
      return;
    }
    if (out.length() > 0) {
      writeToClient(out, now);
    }
    if (forwarder.pendingBytes() > MAX_EVENT_BYTES) {
      onUpstreamFailure(new IllegalStateException("upstream SSE event over " + MAX_EVENT_BYTES + " bytes"));
    }
  }

  private void tellStreamAnswerId() {
    String id = answerId();
    if (id != null) {
      answerIdTold = true;
      answerIdListener.apply(id);
    }
  }

  private void onUpstreamEnd() {
    if (finished) {
      return;
    }
    if (!writer.started()) {
      onUpstreamFailure(new IllegalStateException("the backend closed the stream before any token"));
      return;
    }
    // The backend closed without [DONE]: the client must not mistake this for a full answer.
    takeUsage();
    finish(Outcome.refused(Refusal.upstreamFailed("the stream ended before it was complete")));
  }

  private void writeToClient(Buffer out, long now) {
    writer.startStream(backendId(), attempts.route().name());
    lastClientWriteNanos = now;
    writer.write(out);
  }

  /** The client reads slower than the backend writes: stop reading it until the client drains. */
  private void pauseUpstream() {
    if (upstream != null && !upstreamPaused && !finished) {
      // TCP flow control then slows the backend instead of our heap filling up.
      upstreamPaused = true;
      upstream.pause();
    }
  }

  private void resumeUpstream() {
    if (upstreamPaused && upstream != null) {
      upstreamPaused = false;
      // The idle clock restarts: the backend was silent because we paused it, not because it hung.
      lastUpstreamDataNanos = System.nanoTime();
      upstream.resume();
    }
  }

  private void takeUsage() {
    if (forwarder != null) {
      usage = forwarder.usage();
      if (forwarder.sawErrorEvent()) {
        JsonObject error = forwarder.error();
        streamErrorCode = error != null && error.getValue("code") instanceof String code ? code
            : error != null && error.getValue("type") instanceof String type ? type : "upstream_error";
      }
    }
  }

  private String backendId() {
    BackendState backend = attempts.backend();
    return backend != null ? backend.spec().id() : null;
  }

  // ---- endings -----------------------------------------------------------------------------

  private void onClientGone() {
    // An HTTP/2 stream closes as soon as both sides ended, which for a whole answer is within its
    // response.end(), before the relay has finished: an ended response is a delivered one. (On
    // HTTP/1.1 the close handler runs only when the connection closes.)
    if (finished || writer.response().ended()) {
      return;
    }
    clientGone = true;
    takeUsage();
    finish(Outcome.CLIENT_GONE);
  }

  /** Called by the watchdog a few times a second: timeouts and keep-alives. */
  void tick(long now) {
    if (finished) {
      return;
    }
    var timeouts = attempts.route().timeouts();
    if (firstTokenNanos < 0) {
      if (now - startNanos > TimeUnit.MILLISECONDS.toNanos(timeouts.firstTokenMs())) {
        timeout("no first token within " + timeouts.firstTokenMs() + " ms");
        return;
      }
      if (completion.stream() && keepAliveMillis > 0
          && now - lastClientWriteNanos >= TimeUnit.MILLISECONDS.toNanos(keepAliveMillis)) {
        // Proxies and load balancers cut streams idle for ~60 s; a comment line keeps this one up.
        writeToClient(KEEP_ALIVE.copy(), now);
      }
    } else if (!upstreamPaused && upstream != null
        && now - lastUpstreamDataNanos > TimeUnit.MILLISECONDS.toNanos(timeouts.idleMs())) {
      timeout("no token for " + timeouts.idleMs() + " ms");
      return;
    }
    long total = timeouts.totalMs();
    if (total > 0 && now - startNanos > TimeUnit.MILLISECONDS.toNanos(total)) {
      timeout("not complete within " + total + " ms");
    }
  }

  private void timeout(String what) {
    backendFailed = true;
    takeUsage();
    finish(Outcome.refused(Refusal.upstreamTimeout(what)));
  }

  /**
   * Ends the relay exactly once: the backend's slot freed (as failed when it failed us), the stream
   * to it reset unless it completed, and the outcome handed on.
   */
  private void finish(Outcome outcome) {
    if (finished) {
      return;
    }
    finished = true;
    watchdog.unregister(this);
    boolean failed = backendFailed || outcome.kind() == Outcome.Kind.REFUSED || streamErrorCode != null;
    attempts.release(failed);
    if (outcome.kind() == Outcome.Kind.COMPLETED) {
      if (upstreamPaused) {
        upstreamPaused = false;
        upstream.resume(); // so that the pool can drain the rest of the response and keep the connection
      }
    } else {
      attempts.cancel();
    }
    ending.complete(outcome);
  }
}
