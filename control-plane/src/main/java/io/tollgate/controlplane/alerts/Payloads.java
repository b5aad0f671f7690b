package io.tollgate.controlplane.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A notice in each webhook's documented format. */
public final class Payloads {

  private Payloads() {
  }

  /**
   * A Slack incoming-webhook message: {@code text} (the notification's fallback) and Block Kit
   * {@code blocks} (a header, the sentence, the facts as fields).
   */
  public static JsonObject slack(Notice notice) {
    JsonArray fields = new JsonArray();
    notice.facts().forEach((name, value) -> fields.add(new JsonObject().put("type", "mrkdwn")
        .put("text", "*" + name + "*\n" + value)));
    JsonArray blocks = new JsonArray()
        .add(new JsonObject().put("type", "header").put("text", new JsonObject().put("type", "plain_text")
            .put("text", clip(notice.title(), 150))))
        .add(new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn")
            .put("text", notice.text())));
    if (!fields.isEmpty()) {
      blocks.add(new JsonObject().put("type", "section").put("fields", fields));
    }
    return new JsonObject().put("text", notice.title() + ": " + notice.text()).put("blocks", blocks);
  }

  /** A Microsoft Teams incoming-webhook legacy actionable message card (MessageCard). */
  public static JsonObject teams(Notice notice) {
    JsonArray facts = new JsonArray();
    notice.facts().forEach((name, value) -> facts.add(new JsonObject().put("name", name).put("value", value)));
    return new JsonObject()
        .put("@type", "MessageCard")
        .put("@context", "https://schema.org/extensions")
        .put("summary", notice.title())
        .put("themeColor", "D83B01")
        .put("title", notice.title())
        .put("text", notice.text())
        .put("sections", new JsonArray().add(new JsonObject().put("facts", facts)));
  }

  /** The generic webhook's body: the event and the sentence. */
  public static JsonObject generic(Notice notice) {
    return notice.event().copy().put("text", notice.text());
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
