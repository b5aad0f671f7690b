package io.tollgate.gpu.simulator;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI and Anthropic Java SDKs parse what the simulator sends (the SDKs block: test thread). */
class SdkCompatibilityTest extends SimulatorTestBase {

  private static OpenAIClient openai(VllmSimulator sim) {
    return OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
  }

  private static AnthropicClient anthropic(VllmSimulator sim) {
    return AnthropicOkHttpClient.builder().baseUrl(sim.baseUrl()).apiKey("unused").maxRetries(0).build();
  }

  @Test
  void openAiSdkReadsResponsesStreamedAndNot() throws Exception {
    VllmSimulator sim = start(FAST);
    OpenAIClient client = openai(sim);
    try {
      ResponseCreateParams params = ResponseCreateParams.builder().model("demo-llama").input("hello there")
          .maxOutputTokens(5L).build();
      Response response = client.responses().create(params);
      assertEquals(ResponseStatus.INCOMPLETE, response.status().orElseThrow());
      ResponseUsage usage = response.usage().orElseThrow();
      assertEquals(7, usage.inputTokens());
      assertEquals(5, usage.outputTokens());
      assertEquals(12, usage.totalTokens());
      assertEquals(0, usage.inputTokensDetails().cachedTokens());
      assertEquals(0, usage.outputTokensDetails().reasoningTokens());
      String text = response.output().get(0).asMessage().content().get(0).asOutputText().text();
      assertEquals(5, text.split(" ").length);
      assertEquals(response.id(), client.responses().retrieve(response.id()).id());

      List<String> types = new ArrayList<>();
      StringBuilder deltas = new StringBuilder();
      ResponseUsage[] streamed = new ResponseUsage[1];
      try (var stream = client.responses().createStreaming(params)) {
        stream.stream().forEach((ResponseStreamEvent event) -> {
          event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
          event.completed().ifPresent(c -> streamed[0] = c.response().usage().orElseThrow());
          types.add(event.isCompleted() ? "completed" : event.isCreated() ? "created" : "other");
        });
      }
      assertEquals("created", types.get(0));
      assertEquals("completed", types.get(types.size() - 1));
      assertEquals(text, deltas.toString(), "same seed, same text");
      assertEquals(5, streamed[0].outputTokens());

      assertThrows(NotFoundException.class, () -> client.responses().retrieve("resp_nope"));
      assertThrows(NotFoundException.class, () -> client.models().retrieve("demo-llama"),
          "vLLM has no /v1/models/{id}");
      assertEquals(1, client.models().list().data().size());
    } finally {
      client.close();
    }
  }

  @Test
  void openAiSdkReadsNChoices() throws Exception {
    VllmSimulator sim = start(FAST);
    OpenAIClient client = openai(sim);
    try {
      ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("demo-llama").addUserMessage("hi").n(2L).maxCompletionTokens(3L).build());
      assertEquals(2, completion.choices().size());
      assertEquals(1, completion.choices().get(1).index());
      assertEquals(6, completion.usage().orElseThrow().completionTokens());
    } finally {
      client.close();
    }
  }

  @Test
  void anthropicSdkReadsMessagesStreamedAndNotAndErrors() throws Exception {
    VllmSimulator sim = start(FAST);
    AnthropicClient client = anthropic(sim);
    try {
      MessageCreateParams params = MessageCreateParams.builder().model("demo-llama").maxTokens(4L)
          .system("be brief").addUserMessage("hello there").build();
      Message message = client.messages().create(params);
      assertEquals(StopReason.MAX_TOKENS, message.stopReason().orElseThrow());
      assertEquals(12, message.usage().inputTokens());
      assertEquals(4, message.usage().outputTokens());
      String text = message.content().get(0).asText().text();
      assertEquals(4, text.split(" ").length);

      MessageAccumulator accumulator = MessageAccumulator.create();
      try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
        stream.stream().forEach(accumulator::accumulate);
      }
      Message streamed = accumulator.message();
      assertEquals(text, streamed.content().get(0).asText().text());
      assertEquals(4, streamed.usage().outputTokens());
      assertEquals(12, streamed.usage().inputTokens());
      assertEquals(StopReason.MAX_TOKENS, streamed.stopReason().orElseThrow());

      assertEquals(12, client.messages().countTokens(MessageCountTokensParams.builder().model("demo-llama")
          .system("be brief").addUserMessage("hello there").build()).inputTokens());
      com.anthropic.errors.NotFoundException missing = assertThrows(com.anthropic.errors.NotFoundException.class,
          () -> client.messages().create(params.toBuilder().model("nope").build()));
      assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    } finally {
      client.close();
    }
  }
}
