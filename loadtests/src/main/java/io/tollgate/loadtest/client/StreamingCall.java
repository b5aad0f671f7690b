package io.tollgate.loadtest.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One streaming request, measured the way vLLM's bench measures it: the clock starts when the request is
 * handed to the HTTP client (connection set-up included), TTFT ends at the first event whose {@code choices}
 * is non-empty, each later choice event adds an inter-token gap, E2EL ends at the last choice event, and the
 * output length is the final usage chunk's {@code completion_tokens}. Runs entirely on the event loop of the
 * context that starts it.
 */
public final class StreamingCall {

  private static final int MAX_ERROR_BODY = 4096;

  private final Vertx vertx;
  private final int target;
  private final ClientBehaviour behaviour;
  private final int plannedPromptTokens;
  private final Promise<RequestOutcome> promise = Promise.promise();
  private final SseParser parser;

  private HttpClientRequest request;
  private HttpClientResponse response;
  private long sendNanos;
  private long eventNanos;
  private long ttftNanos = -1;
  private long lastChoiceNanos = -1;
  private long[] itl;
  private int itlCount;
  private int choiceChunks;
  private int textChunks;
  private int completionTokens = -1;
  private int promptTokens = -1;
  private boolean sawDone;
  private String streamError;
  private boolean finished;
  private long timeoutTimer = -1;

  // Slow reader: events waiting to be "read", and whether the response already ended behind them.
  private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
  private boolean draining;
  private boolean endedBehindBacklog;

  private StreamingCall(Vertx vertx, int target, ClientBehaviour behaviour, int plannedPromptTokens, int maxTokens) {
    this.vertx = vertx;
    this.target = target;
    this.behaviour = behaviour;
    this.plannedPromptTokens = plannedPromptTokens;
    this.itl = new long[Math.max(8, Math.min(maxTokens, 4096))];
    // A slow reader splits buffers into events at once but "reads" them later, one per read delay.
    this.parser = behaviour.slowReader()
        ? new SseParser((data, length) -> backlog.add(Arrays.copyOf(data, length)))
        : new SseParser(this::onEvent);
  }

  /** Sends one request; the future always succeeds, with the outcome (failures are outcomes too). */
  public static Future<RequestOutcome> start(Vertx vertx, HttpClient client, int targetIndex, Target target,
      Endpoint endpoint, String requestId, Buffer body, int plannedPromptTokens, int maxTokens,
      ClientBehaviour behaviour) {
    StreamingCall call = new StreamingCall(vertx, targetIndex, behaviour, plannedPromptTokens, maxTokens);
    call.send(client, target, endpoint, requestId, body);
    return call.promise.future();
  }

  private void send(HttpClient client, Target target, Endpoint endpoint, String requestId, Buffer body) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.path(endpoint))
        .putHeader("content-type", "application/json")
        .putHeader("accept", "text/event-stream")
        .putHeader("x-request-id", requestId);
    if (target.hasKey()) {
      options.putHeader("authorization", "Bearer " + target.apiKey());
    }
    if (behaviour.timeoutMillis() > 0) {
      timeoutTimer = vertx.setTimer(behaviour.timeoutMillis(),
          id -> fail(Failure.of(Failure.TIMEOUT, "no end after " + behaviour.timeoutMillis() + " ms"), true));
    }
    sendNanos = System.nanoTime();
    client.request(options)
        .compose(req -> {
          request = req;
          if (finished) { // timed out while waiting for a connection
            req.reset();
          }
          return req.send(body);
        })
        .onSuccess(this::onResponse)
        .onFailure(t -> fail(Failure.fromException(t, false), false));
  }

  private void onResponse(HttpClientResponse resp) {
    if (finished) {
      return;
    }
    response = resp;
    resp.exceptionHandler(t -> fail(Failure.fromException(t, true), false));
    if (resp.statusCode() != 200) {
      Buffer errorBody = Buffer.buffer();
      resp.handler(b -> {
        if (errorBody.length() < MAX_ERROR_BODY) {
          errorBody.appendBuffer(b);
        }
      });
      resp.endHandler(v -> fail(Failure.httpStatus(resp.statusCode(),
          errorBody.toString(StandardCharsets.UTF_8)), false));
      return;
    }
    resp.handler(this::onBuffer);
    resp.endHandler(v -> onEnd());
  }

  private void onBuffer(Buffer buffer) {
    if (finished) {
      return;
    }
    eventNanos = System.nanoTime();
    feed(buffer.getBytes());
    if (behaviour.slowReader() && !finished && !draining && !backlog.isEmpty()) {
      draining = true;
      response.pause();
      vertx.setTimer(behaviour.readDelayMillis(), id -> drainOne());
    }
  }

  private void drainOne() {
    if (finished) {
      return;
    }
    byte[] event = backlog.poll();
    if (event != null) {
      eventNanos = System.nanoTime();
      onEvent(event, event.length);
    }
    if (finished) {
      return;
    }
    if (!backlog.isEmpty()) {
      vertx.setTimer(behaviour.readDelayMillis(), id -> drainOne());
    } else if (endedBehindBacklog) {
      complete();
    } else {
      draining = false;
      response.resume();
    }
  }

  private void feed(byte[] bytes) {
    try {
      parser.feed(bytes, 0, bytes.length);
    } catch (IllegalStateException e) {
      fail(Failure.of(Failure.PROTOCOL, e.getMessage()), true);
    }
  }

  private void onEvent(byte[] data, int length) {
    if (finished) {
      return;
    }
    Chunk chunk;
    try {
      chunk = ChunkReader.read(data, length);
    } catch (IOException e) {
      String text = new String(data, 0, Math.min(length, 200), StandardCharsets.UTF_8);
      fail(Failure.of(Failure.PROTOCOL, "unreadable event: " + text), true);
      return;
    }
    if (chunk.done()) {
      sawDone = true;
      return;
    }
    if (chunk.isError()) {
      streamError = chunk.errorMessage();
      return;
    }
    if (chunk.hasChoices()) {
      long now = eventNanos;
      if (ttftNanos < 0) {
        ttftNanos = now - sendNanos;
      } else {
        if (itlCount == itl.length) {
          itl = Arrays.copyOf(itl, itl.length * 2);
        }
        itl[itlCount++] = Math.round((now - lastChoiceNanos) / 1000.0);
      }
      lastChoiceNanos = now;
      choiceChunks++;
      if (chunk.hasText()) {
        textChunks++;
      }
      if (behaviour.abortAfterChunks() >= 0 && choiceChunks >= behaviour.abortAfterChunks()) {
        abort();
        return;
      }
    }
    if (chunk.completionTokens() >= 0) {
      completionTokens = chunk.completionTokens();
    }
    if (chunk.promptTokens() >= 0) {
      promptTokens = chunk.promptTokens();
    }
  }

  private void onEnd() {
    if (finished) {
      return;
    }
    if (draining) {
      endedBehindBacklog = true;
      return;
    }
    complete();
  }

  private void complete() {
    if (streamError != null) {
      fail(Failure.of(Failure.STREAM_ERROR, streamError), false);
    } else if (ttftNanos < 0) {
      fail(Failure.of(Failure.NO_OUTPUT, sawDone ? "stream ended with no token chunk" : "empty stream"), false);
    } else if (!sawDone) {
      fail(Failure.of(Failure.INCOMPLETE, "stream ended without [DONE] after " + choiceChunks + " chunks"), false);
    } else {
      boolean fromUsage = completionTokens >= 0;
      finish(new RequestOutcome(target, sendNanos, System.nanoTime(), ttftNanos, lastChoiceNanos - sendNanos, itl,
          itlCount, fromUsage ? completionTokens : textChunks, fromUsage,
          promptTokens >= 0 ? promptTokens : plannedPromptTokens, false, null));
    }
  }

  /** The aborts scenario: close the connection mid-stream, as a user closing a tab would. */
  private void abort() {
    finish(new RequestOutcome(target, sendNanos, System.nanoTime(), ttftNanos, lastChoiceNanos - sendNanos, itl,
        itlCount, choiceChunks, false, plannedPromptTokens, true, null));
    resetConnection();
  }

  private void fail(Failure failure, boolean reset) {
    if (finished) {
      return;
    }
    finish(new RequestOutcome(target, sendNanos, System.nanoTime(), ttftNanos,
        lastChoiceNanos < 0 ? -1 : lastChoiceNanos - sendNanos, itl, itlCount, choiceChunks, false,
        plannedPromptTokens, false, failure));
    if (reset) {
      resetConnection();
    }
  }

  private void resetConnection() {
    if (request != null) {
      request.reset();
    }
  }

  private void finish(RequestOutcome outcome) {
    if (finished) {
      return;
    }
    finished = true;
    if (timeoutTimer >= 0) {
      vertx.cancelTimer(timeoutTimer);
    }
    backlog.clear();
    promise.complete(outcome);
  }
}
