package io.tollgate.gateway.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** The demo key a gateway process started with {@code --demo} prints once it is up. */
final class DemoKey {

  private static final Pattern KEY = Pattern.compile("Demo API key \\(shown once\\): (tg-\\S+)");

  private DemoKey() {
  }

  /** Waits (60 s at most) for {@code gateway}'s log to show its demo key; fails the test otherwise. */
  static String await(Process gateway, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && gateway.isAlive()) {
      Matcher matcher = KEY.matcher(Files.readString(log));
      if (matcher.find()) {
        return matcher.group(1);
      }
      Thread.sleep(100);
    }
    return fail("the gateway did not start within 60 s: " + Files.readString(log));
  }
}
