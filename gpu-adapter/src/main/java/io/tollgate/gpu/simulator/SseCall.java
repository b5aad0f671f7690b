package io.tollgate.gpu.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * A streamed generation: Server-Sent Events built into a pending buffer; tokens of one engine wake-up are
 * written together, and a full write queue parks the sequences until the response drains.
 */
abstract class SseCall extends GenerationCall {

  protected final StringBuilder pending = new StringBuilder(512);
  private List<Runnable> drainWaiters = new ArrayList<>();

  SseCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine) {
    super(request, response, engine);
  }

  @Override
  protected void begin() {
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .drainHandler(v -> drained());
    response.writeHead(); // vLLM's StreamingResponse sends its headers before the first token
  }

  @Override
  public boolean writable() {
    return !response.writeQueueFull();
  }

  @Override
  public void onWritable(Runnable resume) {
    drainWaiters.add(resume);
  }

  private void drained() {
    List<Runnable> waiters = drainWaiters;
    drainWaiters = new ArrayList<>();
    waiters.forEach(Runnable::run);
  }

  @Override
  public void flush() {
    if (pending.length() > 0 && !response.ended()) {
      response.write(Buffer.buffer(pending.toString()));
    }
    pending.setLength(0);
  }

  /** Writes what is pending and ends the stream. */
  protected void end() {
    if (!response.ended()) {
      response.end(Buffer.buffer(pending.toString()));
    }
    pending.setLength(0);
  }

  /** Writes what is pending, then cuts the connection without ending the stream (a crashed generator). */
  protected void cut() {
    flush();
    if (!response.ended() && !response.closed()) {
      response.reset();
    }
  }

  /** Appends one SSE event with an {@code event:} line, as the Responses and Messages APIs send them. */
  protected void event(String type, CharSequence json) {
    pending.append("event: ").append(type).append("\ndata: ").append(json).append("\n\n");
  }
}
