package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP generation request in flight: its sequences in the engine and its response. Subclasses decide
 * how output reaches the client (an SSE stream or one JSON document, in the shape of their API).
 */
abstract class GenerationCall implements SequenceObserver {

  protected final GenerationRequest request;
  /** Null for a request that outlives its HTTP exchange (a background Responses request). */
  protected final HttpServerResponse response;
  protected final GpuEngine engine;
  protected final List<Sequence> sequences = new ArrayList<>();
  private int finishedSequences;
  private boolean done;

  GenerationCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine) {
    this.request = request;
    this.response = response;
    this.engine = engine;
  }

  void add(Sequence sequence) {
    sequences.add(sequence);
  }

  /** Starts the response and hands the sequences to the engine. */
  void start() {
    engine.metrics().requestStarted(request.endpoint());
    if (response != null) {
      // vLLM aborts a request whose connection closes; so do we, whether it is running or still queued.
      response.closeHandler(v -> clientGone());
      response.exceptionHandler(err -> clientGone());
    }
    begin();
    for (Sequence s : sequences) {
      engine.submit(s);
    }
  }

  /** Called before the sequences are submitted (a stream sends its headers here). */
  protected abstract void begin();

  /** Every sequence has produced its last token. */
  protected abstract void complete();

  /** One sequence was failed on purpose: end the response with the error. */
  protected abstract void fail(ApiError error);

  @Override
  public final void onToken(Sequence sequence, String text, boolean last) {
    if (done) {
      return;
    }
    append(sequence, text, last);
    if (last && ++finishedSequences == sequences.size()) {
      done = true;
      complete();
    }
  }

  protected abstract void append(Sequence sequence, String text, boolean last);

  @Override
  public final void onFailure(Sequence sequence, ApiError error) {
    if (done) {
      return;
    }
    done = true;
    for (Sequence s : sequences) {
      if (s != sequence) {
        engine.cancel(s);
      }
    }
    fail(error);
  }

  /** The client went away (or cancelled): every sequence is aborted and the abort counted for the family. */
  protected void clientGone() {
    if (abortSequences()) {
      engine.metrics().requestAborted(request.endpoint());
    }
  }

  /** Aborts the sequences unless the call already ended; true when it did abort. */
  protected final boolean abortSequences() {
    if (done) {
      return false;
    }
    done = true;
    for (Sequence s : sequences) {
      engine.abort(s);
    }
    return true;
  }

  protected final boolean isDone() {
    return done;
  }

  protected ResponseShapes.Usage usage() {
    long completion = 0;
    for (Sequence s : sequences) {
      completion += s.generated;
    }
    return new ResponseShapes.Usage(request.promptTokens(), completion);
  }

  /** Prompt tokens the prefix cache served, summed over the request's prompts (once per prompt). */
  protected long cachedTokens() {
    long cached = 0;
    for (Sequence s : sequences) {
      if (s.sampleIndex == 0) {
        cached += s.cachedTokens;
      }
    }
    return cached;
  }
}
