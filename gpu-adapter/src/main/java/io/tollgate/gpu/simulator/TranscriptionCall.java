package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A non-streamed transcription or translation. {@code json} and {@code text} both answer JSON, as the vLLM
 * builds read do: {@code {"text", "usage":{"type":"duration","seconds":⌈audio s⌉}}} (translations carry no
 * usage); {@code verbose_json} adds duration, language and one segment; srt/vtt answer the plain text.
 */
final class TranscriptionCall extends WholeTextCall {

  private final String format;
  private final double seconds;
  private final String language;

  TranscriptionCall(GenerationRequest request, HttpServerResponse response, GpuEngine engine, String format,
      double seconds, String language) {
    super(request, response, engine);
    this.format = format;
    this.seconds = seconds;
    this.language = language;
  }

  @Override
  protected void complete() {
    if (response.ended() || response.closed()) {
      return;
    }
    String transcript = text.toString();
    if (format.equals("srt") || format.equals("vtt")) {
      response.putHeader("content-type", "text/plain; charset=utf-8").end(transcript);
      return;
    }
    JsonObject body;
    if (format.equals("verbose_json")) {
      body = new JsonObject().put("duration", seconds).put("language", language).put("text", transcript)
          .put("segments", new JsonArray().add(new JsonObject().put("id", 0).put("seek", 0).put("start", 0.0)
              .put("end", seconds).put("text", transcript).put("tokens", new JsonArray())
              .put("temperature", 0.0).put("avg_logprob", -0.2).put("compression_ratio", 1.0)
              .put("no_speech_prob", 0.01)))
          .putNull("words");
    } else {
      body = new JsonObject().put("text", transcript);
      if (request.endpoint() == Endpoint.TRANSCRIPTION) {
        body.put("usage", new JsonObject().put("type", "duration").put("seconds", (long) Math.ceil(seconds)));
      }
    }
    response.putHeader("content-type", "application/json").end(body.encode());
  }

  @Override
  protected void fail(ApiError error) {
    error.send(response);
  }
}
