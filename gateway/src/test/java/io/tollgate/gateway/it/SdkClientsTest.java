package io.tollgate.gateway.it;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static io.tollgate.gateway.it.TestBed.FORBIDDEN_MODEL;
import static io.tollgate.gateway.it.TestBed.MODEL;
import static io.tollgate.gateway.it.TestBed.POOLING_MODEL;
import static io.tollgate.gateway.it.TestBed.SECRET;
import static io.tollgate.gateway.it.TestBed.TRANSCRIPTION_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenAI and Anthropic Java SDKs, pointed at the gateway as users point them: what
 * they send is taken, what the gateway (and vLLM behind it) answers is what they can read.
 */
class SdkClientsTest {

  private static TestBed bed;
  private static OpenAIClient openai;
  private static AnthropicClient anthropic;

  @BeforeAll
  static void start() throws Exception {
    bed = TestBed.builder().start();
    String base = "http://127.0.0.1:" + bed.gateway.port();
    openai = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey(SECRET).maxRetries(0).build();
    anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey(SECRET).maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    openai.close();
    anthropic.close();
    bed.close();
  }

  private static ResponseCreateParams responseParams() {
    return ResponseCreateParams.builder().model(MODEL).input("tell me about toll gates").maxOutputTokens(6L).build();
  }

  private static MessageCreateParams messageParams() {
    return MessageCreateParams.builder().model(MODEL).maxTokens(6L).addUserMessage("hello there").build();
  }

  private UsageEvent eventOf(String family) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      List<UsageEvent> events = bed.usage.events();
      for (int i = events.size() - 1; i >= 0; i--) {
        if (family.equals(events.get(i).endpointFamily())) {
          return events.get(i);
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no usage event for " + family);
  }

  @Test
  void openAisSdkCreatesAndStreamsResponses() throws Exception {
    Response response = openai.responses().create(responseParams());
    assertTrue(response.id().startsWith("resp_"), response.id());
    long output = response.usage().orElseThrow().outputTokens();
    assertTrue(output > 0);

    try (var stream = openai.responses().createStreaming(responseParams())) {
      List<ResponseStreamEvent> events = stream.stream().toList();
      ResponseStreamEvent last = events.get(events.size() - 1);
      assertTrue(last.isCompleted(), "the stream ends with response.completed");
      long streamed = last.asCompleted().response().usage().orElseThrow().outputTokens();
      assertEquals(streamed, eventOf("responses").completionTokens());
    }
  }

  @Test
  void openAisSdkCompletesChatAndTheGatewayCountsWhatItWasTold() throws Exception {
    var completion = openai.chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams
        .builder().model(MODEL).addUserMessage("hello there").maxCompletionTokens(5L).build());
    assertFalse(completion.choices().isEmpty());
    assertEquals(completion.usage().orElseThrow().completionTokens(), eventOf("chat").completionTokens());
  }

  @Test
  void openAisSdkRetrievesModelsAndGetsNotFoundForOthers() {
    assertEquals(MODEL, openai.models().retrieve(MODEL).id());
    assertThrows(NotFoundException.class, () -> openai.models().retrieve(TestBed.FORBIDDEN_MODEL));
  }

  @Test
  void anthropicsSdkCreatesAndStreamsMessages() throws Exception {
    Message message = anthropic.messages().create(messageParams());
    assertFalse(message.content().isEmpty());
    assertTrue(message.usage().outputTokens() > 0);
    assertEquals(message.usage().outputTokens(), eventOf("messages").completionTokens());

    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(messageParams())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Message streamed = accumulator.message();
    assertTrue(streamed.content().get(0).text().orElseThrow().text().length() > 0);
    assertTrue(streamed.stopReason().isPresent());
  }

  @Test
  void anthropicsSdkReadsTheGatewaysErrors() {
    AnthropicClient wrongKey = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + bed.gateway.port())
        .apiKey("tg-not-a-key").maxRetries(0).build();
    try {
      UnauthorizedException refused = assertThrows(UnauthorizedException.class,
          () -> wrongKey.messages().create(messageParams()));
      assertEquals(401, refused.statusCode());
      assertTrue(String.valueOf(refused.body()).contains("authentication_error"),
          "Anthropic's error shape, as its SDK reads it: " + refused.body());
    } finally {
      wrongKey.close();
    }
  }

  @Test
  void anthropicsSdkListsAndRetrievesTheModelsTheKeyMayUsePageByPage() {
    List<String> all = anthropic.models().list().data().stream().map(ModelInfo::id).toList();
    assertEquals(List.of(MODEL, POOLING_MODEL, TRANSCRIPTION_MODEL), all, "the key's models, not the one it may not use");

    ModelListPage first = anthropic.models().list(ModelListParams.builder().limit(1L).build());
    assertEquals(List.of(MODEL), first.data().stream().map(ModelInfo::id).toList());
    assertTrue(first.hasNextPage());
    List<String> paged = new ArrayList<>();
    first.autoPager().forEach(model -> paged.add(model.id()));
    assertEquals(all, paged, "the SDK's pager walks every page by after_id");
    ModelListPage before = anthropic.models().list(ModelListParams.builder().beforeId(TRANSCRIPTION_MODEL).limit(1L)
        .build());
    assertEquals(List.of(POOLING_MODEL), before.data().stream().map(ModelInfo::id).toList());

    ModelInfo model = anthropic.models().retrieve(MODEL);
    assertEquals(MODEL, model.id());
    assertEquals(MODEL, model.displayName());
    assertThrows(com.anthropic.errors.NotFoundException.class, () -> anthropic.models().retrieve(FORBIDDEN_MODEL));
  }

  @Test
  void anthropicsModelsAnswerBadPagingAndAMissingKeyInAnthropicsShape() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> badLimit = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bed.gateway.port()
            + "/v1/models?limit=0")).header("x-api-key", SECRET).header("anthropic-version", "2023-06-01").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, badLimit.statusCode());
    assertEquals("invalid_request_error", new JsonObject(badLimit.body()).getJsonObject("error").getString("type"),
        badLimit.body());
    HttpResponse<String> noKey = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bed.gateway.port()
            + "/v1/models")).header("anthropic-version", "2023-06-01").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, noKey.statusCode());
    JsonObject error = new JsonObject(noKey.body());
    assertEquals("error", error.getString("type"), noKey.body());
    assertTrue(error.getJsonObject("error").getString("message").contains("x-api-key"), noKey.body());
  }
}
