package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP generation request in flight: its sequences in the engine and its response. Subclasses decide
 * how output reaches the client (SSE stream or one JSON document).
 */
abstract class GenerationCall implements SequenceObserver {

  protected final GenerationRequest request;
  protected final HttpServerResponse response;
  protected final GpuEngine engine;
  protected final ResponseShapes shapes;
  protected final List<Sequence> sequences = new ArrayList<>();
  private int finishedSequences;
  private boolean done;

  GenerationCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, ResponseShapes shapes) {
    this.request = request;
    this.response = response;
    this.engine = engine;
    this.shapes = shapes;
  }

  void add(Sequence sequence) {
    sequences.add(sequence);
  }

  /** Starts the response and hands the sequences to the engine. */
  void start() {
    // vLLM aborts a request whose connection closes; so do we, whether it is running or still queued.
    response.closeHandler(v -> clientGone());
    response.exceptionHandler(err -> clientGone());
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

  private void clientGone() {
    if (done) {
      return;
    }
    done = true;
    for (Sequence s : sequences) {
      engine.abort(s);
    }
  }

  protected ResponseShapes.Usage usage() {
    long completion = 0;
    for (Sequence s : sequences) {
      completion += s.generated;
    }
    return new ResponseShapes.Usage(request.promptTokens(), completion);
  }
}
