package io.tollgate.gateway.cli;

import io.tollgate.gateway.GatewayMain;
import io.tollgate.gateway.auth.KeyHasher;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayMainTest {

  @Test
  void mintKeyPrintsTheSecretOnceAndAConfigLineWithItsKeyedHash() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new GatewayMain()).execute("mint-key", "--id", "ci-bot", "--org", "acme", "--models", "a,b");
    } finally {
      System.setOut(original);
    }
    assertEquals(0, exit);
    String text = out.toString(StandardCharsets.UTF_8);
    Matcher secret = Pattern.compile("(tg-[0-9A-Za-z]{40})").matcher(text);
    assertTrue(secret.find(), text);
    assertEquals(1, text.split(Pattern.quote(secret.group(1)), -1).length - 1, "the secret appears exactly once");
    Matcher line = Pattern.compile("- \\{id: ci-bot, hash: \"(hmac-sha256:[0-9a-f]{64})\", org: acme, models: \\[\"a\", \"b\"\\]\\}")
        .matcher(text);
    assertTrue(line.find(), text);
    // The embedded config's pepper (default "change-me" unless TOLLGATE_KEY_PEPPER is set).
    String pepper = System.getenv().getOrDefault("TOLLGATE_KEY_PEPPER", "change-me");
    assertEquals(new KeyHasher(pepper).hash(secret.group(1)), line.group(1));
  }
}
