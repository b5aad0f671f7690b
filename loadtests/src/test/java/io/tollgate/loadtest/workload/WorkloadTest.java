package io.tollgate.loadtest.workload;

import io.tollgate.loadtest.client.Endpoint;
import io.tollgate.loadtest.client.RequestBodies;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {

  @Test
  void randomLengthsStayInTheRangeAndVary() {
    RandomWorkload w = new RandomWorkload(100, 20, 0.5, 0, 1, 3);
    boolean varied = false;
    for (int i = 0; i < 500; i++) {
      RequestSpec s = w.spec(i);
      assertTrue(s.promptTokens() >= 50 && s.promptTokens() <= 150, "input " + s.promptTokens());
      assertTrue(s.maxTokens() >= 10 && s.maxTokens() <= 30, "output " + s.maxTokens());
      assertEquals(s.promptTokens(), s.userPrompt().split(" ").length, "one word per token");
      varied |= s.promptTokens() != w.spec(0).promptTokens();
      assertNull(s.systemPrompt());
    }
    assertTrue(varied);
  }

  @Test
  void sameIndexSameRequest() {
    RandomWorkload a = new RandomWorkload(64, 8, 0.2, 0, 1, 11);
    RandomWorkload b = new RandomWorkload(64, 8, 0.2, 0, 1, 11);
    assertEquals(a.spec(42), b.spec(42));
    assertFalse(a.spec(42).userPrompt().equals(a.spec(43).userPrompt()));
  }

  @Test
  void sharedPrefixIsTheSameSystemPromptForEveryRequest() {
    RandomWorkload w = new RandomWorkload(16, 8, 0, 200, 1, 5);
    String prefix = w.spec(0).systemPrompt();
    assertEquals(200, prefix.split(" ").length);
    for (int i = 1; i < 50; i++) {
      assertEquals(prefix, w.spec(i).systemPrompt());
      assertEquals(216, w.spec(i).promptTokens());
    }
    RandomWorkload two = new RandomWorkload(16, 8, 0, 50, 2, 5);
    assertFalse(two.spec(0).systemPrompt().equals(two.spec(1).systemPrompt()));
    assertEquals(two.spec(0).systemPrompt(), two.spec(2).systemPrompt());
  }

  @Test
  void promptsFileCyclesThroughItsLines(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prompts.jsonl");
    Files.writeString(file, "# comment\n{\"prompt\": \"one two three\"}\n\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"four five\"}], \"output_len\": 7}\n"
        + "{\"prompt\": \"six\", \"system\": \"be brief\", \"max_tokens\": 3}\n");
    PromptsFileWorkload w = PromptsFileWorkload.load(file, 16);
    assertEquals(3, w.size());
    assertEquals(3, w.spec(0).promptTokens());
    assertEquals(16, w.spec(0).maxTokens());
    assertEquals(7, w.spec(1).maxTokens());
    assertEquals(2, w.spec(1).promptTokens());
    assertEquals("be brief", w.spec(2).systemPrompt());
    assertEquals(w.spec(0), w.spec(3));
  }

  @Test
  void aBadLineNamesItsLineNumber(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"prompt\": \"ok\"}\n{\"nothing\": 1}\n");
    IOException e = assertThrows(IOException.class, () -> PromptsFileWorkload.load(file, 16));
    assertTrue(e.getMessage().contains(":2:"), e.getMessage());
  }

  @Test
  void chatBodyIsVllmBenchShaped() {
    RequestSpec spec = new RequestSpec("sys", "hi", null, 2, 9);
    JsonObject chat = RequestBodies.json(Endpoint.CHAT, "m", spec, false);
    assertEquals("m", chat.getString("model"));
    assertEquals(9, chat.getInteger("max_completion_tokens"));
    assertTrue(chat.getBoolean("stream"));
    assertTrue(chat.getJsonObject("stream_options").getBoolean("include_usage"));
    assertFalse(chat.containsKey("ignore_eos"));
    assertEquals("system", chat.getJsonArray("messages").getJsonObject(0).getString("role"));
    assertEquals("hi", chat.getJsonArray("messages").getJsonObject(1).getString("content"));
  }

  @Test
  void completionsBodyJoinsPrefixAndPrompt() {
    JsonObject body = RequestBodies.json(Endpoint.COMPLETIONS, "m", new RequestSpec("sys", "hi", null, 2, 9), true);
    assertEquals("sys hi", body.getString("prompt"));
    assertEquals(9, body.getInteger("max_tokens"));
    assertTrue(body.getBoolean("ignore_eos"));
    assertFalse(body.containsKey("messages"));
  }
}
