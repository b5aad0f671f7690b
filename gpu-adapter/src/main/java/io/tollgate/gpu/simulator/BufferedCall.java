package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;

/** A {@code stream=false} request: output is collected and sent as one JSON document at the end. */
final class BufferedCall extends GenerationCall {

  private final ResponseShapes shapes;
  private StringBuilder[] texts;

  BufferedCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, ResponseShapes shapes) {
    super(request, response, engine);
    this.shapes = shapes;
  }

  @Override
  protected void begin() {
    texts = new StringBuilder[sequences.size()];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = new StringBuilder();
    }
  }

  @Override
  public boolean writable() {
    return true; // nothing is written until the end
  }

  @Override
  public void onWritable(Runnable resume) {
    resume.run();
  }

  @Override
  protected void append(Sequence sequence, String text, boolean last) {
    texts[sequence.choiceIndex].append(text);
  }

  @Override
  public void flush() {
  }

  @Override
  protected void complete() {
    String[] out = new String[texts.length];
    String[] reasons = new String[texts.length];
    for (Sequence s : sequences) {
      out[s.choiceIndex] = texts[s.choiceIndex].toString();
      reasons[s.choiceIndex] = s.finishReason;
    }
    if (!response.ended() && !response.closed()) {
      response.putHeader("content-type", "application/json").end(shapes.fullResponse(out, reasons, usage()));
    }
  }

  @Override
  protected void fail(ApiError error) {
    error.send(response);
  }
}
