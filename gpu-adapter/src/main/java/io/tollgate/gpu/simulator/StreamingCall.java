package io.tollgate.gpu.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code stream=true} request: Server-Sent Events as vLLM writes them. Tokens of one engine wake-up are
 * written together; a full write queue parks the sequences until the response drains.
 */
final class StreamingCall extends GenerationCall {

  private final StringBuilder pending = new StringBuilder(512);
  private List<Runnable> drainWaiters = new ArrayList<>();

  StreamingCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, ResponseShapes shapes) {
    super(request, response, engine, shapes);
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
  protected void append(Sequence sequence, String text, boolean last) {
    ResponseShapes.Usage usage = request.continuousUsage()
        ? new ResponseShapes.Usage(sequence.promptTokens, sequence.generated) : null;
    if (sequence.generated == 1 && request.endpoint() == Endpoint.CHAT) {
      // The role chunk goes out together with the first token, not on arrival: TTFT stays honest.
      ResponseShapes.Usage roleUsage = usage == null ? null : new ResponseShapes.Usage(sequence.promptTokens, 0);
      shapes.appendRoleChunk(pending, sequence.choiceIndex, roleUsage);
    }
    shapes.appendTokenChunk(pending, sequence.choiceIndex, text, last ? sequence.finishReason : null, usage);
  }

  @Override
  public void flush() {
    if (pending.length() > 0 && !response.ended()) {
      response.write(Buffer.buffer(pending.toString()));
    }
    pending.setLength(0);
  }

  @Override
  protected void complete() {
    if (request.includeUsage()) {
      shapes.appendUsageChunk(pending, usage());
    }
    pending.append(ResponseShapes.DONE);
    end();
  }

  @Override
  protected void fail(ApiError error) {
    // Like vLLM's mid-stream error: an error event, then [DONE], then the end of the stream.
    pending.append("data: ").append(error.toJson()).append("\n\n").append(ResponseShapes.DONE);
    end();
  }

  private void end() {
    if (!response.ended()) {
      response.end(Buffer.buffer(pending.toString()));
    }
    pending.setLength(0);
  }
}
