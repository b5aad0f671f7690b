package io.tollgate.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** Chat completions through a gateway: with the official OpenAI SDK as applications call it, or raw for statuses. */
final class Completions {

  static final String PROMPT = "Tell me about toll gates";

  private Completions() {
  }

  /** What one completion cost, as the client saw it. */
  record Served(String requestId, String gatewayUrl, boolean stream, long promptTokens, long completionTokens,
                String text) {
  }

  static OpenAIClient sdk(String gatewayUrl, String apiKey) {
    // No SDK retries: the suite counts every attempt itself.
    return OpenAIOkHttpClient.builder().baseUrl(gatewayUrl + "/v1").apiKey(apiKey).maxRetries(0)
        .timeout(Duration.ofSeconds(30)).build();
  }

  private static ChatCompletionCreateParams.Builder params(String model, long maxTokens, String requestId) {
    return ChatCompletionCreateParams.builder().model(model).maxTokens(maxTokens).addUserMessage(PROMPT)
        .putAdditionalHeader("x-request-id", requestId);
  }

  static Served complete(OpenAIClient client, String gatewayUrl, String model, long maxTokens, String requestId) {
    ChatCompletion completion = client.chat().completions().create(params(model, maxTokens, requestId).build());
    CompletionUsage usage = completion.usage().orElseThrow(() -> new AssertionError("no usage in " + completion));
    return new Served(requestId, gatewayUrl, false, usage.promptTokens(), usage.completionTokens(),
        completion.choices().get(0).message().content().orElse(""));
  }

  static Served stream(OpenAIClient client, String gatewayUrl, String model, long maxTokens, String requestId) {
    ChatCompletionCreateParams params = params(model, maxTokens, requestId)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    StringBuilder text = new StringBuilder();
    AtomicReference<CompletionUsage> usage = new AtomicReference<>();
    try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(params)) {
      chunks.stream().forEach(chunk -> {
        chunk.usage().ifPresent(usage::set);
        chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
      });
    }
    CompletionUsage last = usage.get();
    if (last == null) {
      throw new AssertionError("the stream " + requestId + " ended without the usage chunk include_usage asks for");
    }
    return new Served(requestId, gatewayUrl, true, last.promptTokens(), last.completionTokens(), text.toString());
  }

  /** A non-streamed completion over plain HTTP, for the status and the error body. */
  static Http.Reply raw(String gatewayUrl, String apiKey, String model, int maxTokens, String requestId) {
    String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json").header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = Http.client().send(request, HttpResponse.BodyHandlers.ofString());
      return new Http.Reply(response.statusCode(), response.body(), response.headers());
    } catch (java.io.IOException e) {
      throw new AssertionError("POST " + gatewayUrl + "/v1/chat/completions failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** USD at the model's prices as the control plane holds them ({promptPerMillion, completionPerMillion}). */
  static double cost(io.vertx.core.json.JsonObject prices, long promptTokens, long completionTokens) {
    return (promptTokens * prices.getDouble("promptPerMillion")
        + completionTokens * prices.getDouble("completionPerMillion")) / 1_000_000;
  }
}
