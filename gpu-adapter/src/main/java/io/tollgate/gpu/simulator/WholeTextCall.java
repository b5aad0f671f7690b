package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;

/**
 * A single-choice request answered as one document at the end (Messages, Responses and speech to
 * text, not streamed): the tokens are collected, nothing is written until {@link #complete()}.
 */
abstract class WholeTextCall extends GenerationCall {

  protected final StringBuilder text = new StringBuilder();

  WholeTextCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine) {
    super(request, response, engine);
  }

  @Override
  protected void begin() {
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
  public void flush() {
  }

  @Override
  protected void append(Sequence sequence, String token, boolean last) {
    text.append(token);
  }
}
