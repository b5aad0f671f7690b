package io.tollgate.controlplane.alerts;

import java.util.List;

/**
 * Where an org's alerts go.
 *
 * @param type   {@code slack} (Slack incoming webhook), {@code teams} (Microsoft Teams incoming
 *               webhook, MessageCard), {@code webhook} (generic JSON signed with HMAC-SHA256) or
 *               {@code email}
 * @param target the webhook URL or the email address
 * @param secret the generic webhook's signing key; null for the others
 */
public record Channel(String org, String id, String type, String target, String secret) {

  public static final List<String> TYPES = List.of("slack", "teams", "webhook", "email");

  public boolean email() {
    return "email".equals(type);
  }
}
