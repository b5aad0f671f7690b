package io.tollgate.gpu.simulator;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranscriptionTest extends SimulatorTestBase {

  static final SimulatorConfig AUDIO = FAST.withTranscriptionModels("demo-whisper");
  static final String BOUNDARY = "----simulatorBoundary7d1";
  static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

  /** A 16 kHz, 16-bit mono WAV of the given length (silence). */
  static Buffer wav(int seconds) {
    int data = seconds * 32_000;
    Buffer b = Buffer.buffer();
    b.appendString("RIFF").appendIntLE(36 + data).appendString("WAVE").appendString("fmt ").appendIntLE(16)
        .appendShortLE((short) 1).appendShortLE((short) 1).appendIntLE(16_000).appendIntLE(32_000)
        .appendShortLE((short) 2).appendShortLE((short) 16).appendString("data").appendIntLE(data);
    return b.appendBuffer(Buffer.buffer(new byte[data]));
  }

  static Buffer form(Buffer file, Map<String, String> fields) {
    Buffer b = Buffer.buffer();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      b.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
          + f.getValue() + "\r\n");
    }
    if (file != null) {
      b.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
          + "Content-Type: audio/wav\r\n\r\n").appendBuffer(file).appendString("\r\n");
    }
    return b.appendString("--" + BOUNDARY + "--\r\n");
  }

  @Test
  void transcriptionAnswersTextAndDurationUsage() throws Exception {
    SimClient client = client(start(AUDIO));
    SimClient.Reply reply = await(client.postBuffer("/v1/audio/transcriptions",
        form(wav(4), Map.of("model", "demo-whisper")), MULTIPART));
    assertEquals(200, reply.status(), reply.body());
    JsonObject body = reply.json();
    assertEquals(10, body.getString("text").split(" ").length, "2.5 words per second of audio");
    assertEquals(new JsonObject().put("type", "duration").put("seconds", 4), body.getJsonObject("usage"));

    JsonObject translation = await(client.postBuffer("/v1/audio/translations", form(wav(2), Map.of()),
        MULTIPART)).json();
    assertEquals(5, translation.getString("text").split(" ").length);
    assertFalse(translation.containsKey("usage"), "translations carry no usage");

    JsonObject capped = await(client.postBuffer("/v1/audio/transcriptions", form(wav(4),
        Map.of("max_completion_tokens", "3")), MULTIPART)).json();
    assertEquals(3, capped.getString("text").split(" ").length, "max_completion_tokens cuts the transcript");
    ErrorResponsesTest.assertErrorShape(await(client.postBuffer("/v1/audio/transcriptions", form(wav(1),
        Map.of("max_completion_tokens", "0")), MULTIPART)), 400, "BadRequestError");

    JsonObject verbose = await(client.postBuffer("/v1/audio/transcriptions", form(wav(2),
        Map.of("response_format", "verbose_json", "language", "de")), MULTIPART)).json();
    assertEquals(2.0, verbose.getDouble("duration"));
    assertEquals("de", verbose.getString("language"));
    assertEquals(1, verbose.getJsonArray("segments").size());
  }

  @Test
  void streamSendsTranscriptionChunksUsageAndDone() throws Exception {
    SimClient client = client(start(AUDIO));
    SimClient.Stream stream = await(client.streamBuffer("/v1/audio/transcriptions", form(wav(2),
        Map.of("stream", "true", "stream_include_usage", "true")), MULTIPART));
    assertEquals(200, stream.status());
    List<SimClient.SseEvent> events = stream.events();
    assertTrue(events.get(events.size() - 1).done());
    List<JsonObject> chunks = stream.chunks();
    assertEquals(6, chunks.size(), "5 words and the usage chunk");
    for (JsonObject chunk : chunks) {
      assertEquals("transcription.chunk", chunk.getString("object"));
      assertTrue(chunk.getString("id").startsWith("transcribe-"));
    }
    assertEquals("stop", chunks.get(4).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    JsonObject usage = chunks.get(5).getJsonObject("usage");
    assertTrue(chunks.get(5).getJsonArray("choices").isEmpty());
    assertEquals(5, usage.getInteger("completion_tokens"));
    assertEquals(usage.getInteger("prompt_tokens") + 5, usage.getInteger("total_tokens"));
  }

  @Test
  void badFormsAndWrongModelsAreRefused() throws Exception {
    SimClient client = client(start(AUDIO));
    ErrorResponsesTest.assertErrorShape(await(client.postBuffer("/v1/audio/transcriptions",
        form(null, Map.of("model", "demo-whisper")), MULTIPART)), 400, "BadRequestError");
    ErrorResponsesTest.assertErrorShape(await(client.postBuffer("/v1/audio/transcriptions",
        form(wav(1), Map.of("stream_include_usage", "true")), MULTIPART)), 400, "BadRequestError");
    ErrorResponsesTest.assertErrorShape(await(client.postBuffer("/v1/audio/transcriptions",
        form(wav(1), Map.of("stream", "true", "response_format", "verbose_json")), MULTIPART)), 400,
        "BadRequestError");
    ErrorResponsesTest.assertErrorShape(await(client.post("/v1/audio/transcriptions", "{}", "application/json")),
        400, "BadRequestError");
    assertEquals(404, await(client.postBuffer("/v1/audio/transcriptions",
        form(wav(1), Map.of("model", "nope")), MULTIPART)).status());
    assertEquals(400, await(client.postBuffer("/v1/audio/transcriptions",
        form(wav(1), Map.of("model", "demo-llama")), MULTIPART)).status());
    assertEquals(400, await(client.postJson("/v1/chat/completions", chat("hi").put("model", "demo-whisper")))
        .status());
    SimClient noAudio = client(start(FAST));
    assertEquals(new JsonObject().put("detail", "Not Found"), await(noAudio.postBuffer("/v1/audio/transcriptions",
        form(wav(1), Map.of()), MULTIPART)).json());
  }

  @Test
  void closingAStreamAbortsItAndCountsItForTranscriptions() throws Exception {
    VllmSimulator sim = start(AUDIO.withInterTokenMillis(20));
    SimClient client = client(sim);
    Promise<Void> firstBytes = Promise.promise();
    Buffer body = form(wav(60), Map.of("stream", "true"));
    HttpClientResponse response = await(client.onContext(() -> client.http().request(
            io.vertx.core.http.HttpMethod.POST, "/v1/audio/transcriptions")
        .compose(req -> req.putHeader("content-type", MULTIPART).send(body))
        .onSuccess(r -> r.handler(b -> firstBytes.tryComplete()))));
    await(firstBytes.future());
    await(client.closeConnection(response));
    eventually(1_000, "abort counted", () -> sim.stats().endpoint("transcriptions").aborted() == 1);
    assertEquals(0, sim.stats().running());
  }
}
