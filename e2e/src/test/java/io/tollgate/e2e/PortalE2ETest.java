package io.tollgate.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web portal in a real browser against this platform (portal/e2e/portal.e2e.test.ts): a platform
 * admin signs in, creates a key and sees its secret once, the gateway serves it and its spend, usage,
 * CSV row and last use show, an edit gives it a limit, a rotation with grace leaves both secrets served,
 * revoking it makes the gateway refuse both, a member is added, changed and removed, and the budget change,
 * key changes and removal are in the audit log; a viewer is offered no key or member actions and the API
 * refuses them from the browser; a
 * member sees no budget form or audit log; someone invited by email (the link read from the platform's
 * SMTP server, {@link Mailbox}) joins once; the org's limit policy is chosen and an alert channel added,
 * tested and removed, none of which a member is offered or allowed; a wrong password is refused in words; every page passes
 * axe-core with no serious violation and logs no console error. Set -Dtollgate.portal.screenshots=DIR to keep the
 * pages' screenshots (docs/portal.md's images).
 */
@Order(6)
@ExtendWith(PlatformExtension.class)
class PortalE2ETest {

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void thePortalsBrowserSuitePasses() {
    Map<String, String> extra = new HashMap<>();
    String chromium = System.getProperty("tollgate.chromium", "/usr/bin/chromium");
    assertTrue(new java.io.File(chromium).canExecute(),
        "no Chromium at " + chromium + ": run scripts/services.sh chromium (apt-get install chromium)");
    extra.put("TOLLGATE_CHROMIUM", chromium);
    extra.put("NO_COLOR", "1");
    String screenshots = System.getProperty("tollgate.portal.screenshots");
    if (screenshots != null && !screenshots.isBlank()) {
      extra.put("TOLLGATE_PORTAL_SCREENSHOTS", screenshots);
    }
    Platform.Result result = platform.portalSuite(extra);
    assertEquals(0, result.exit(), "npm run e2e (portal/) failed:\n" + result.stdout() + result.stderr());
  }
}
