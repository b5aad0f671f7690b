package io.tollgate.controlplane.alerts;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a channel says: a title, a sentence, a few facts and the machine-readable event, whatever
 * its format (Slack blocks, a Teams card, signed JSON, an email).
 *
 * @param event the generic webhook's body: {@code {"type": "budget.alert" | "budget.test", ...}}
 */
public record Notice(String title, String text, Map<String, String> facts, JsonObject event) {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  public static Notice of(Alert alert) {
    Budget budget = alert.budget();
    String title;
    String text;
    if (Alert.FORECAST.equals(alert.kind())) {
      title = "Budget forecast: " + budget.label() + " runs out " + WHEN.format(alert.runsOutAt());
      text = "At the last 24 h's rate, the " + budget.period() + "ly budget of " + budget.label() + " ("
          + usd(alert.limitUsd()) + ") runs out on " + WHEN.format(alert.runsOutAt()) + ", before the period ends ("
          + WHEN.format(alert.periodEnd()) + "). Spent so far: " + usd(alert.spentUsd()) + ".";
    } else {
      title = "Budget alert: " + budget.label() + " passed " + alert.threshold() + " %";
      text = budget.label().substring(0, 1).toUpperCase(Locale.ROOT) + budget.label().substring(1) + " has spent "
          + usd(alert.spentUsd()) + " of its " + budget.period() + "ly budget of " + usd(alert.limitUsd()) + " ("
          + alert.threshold() + " % threshold)."
          + (alert.threshold() >= 100 ? " Requests that would pass the budget are refused until "
          + WHEN.format(alert.periodEnd()) + "." : "");
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Org", budget.org());
    if ("key".equals(budget.scope())) {
      facts.put("Key", budget.scopeId());
    }
    facts.put("Spent", usd(alert.spentUsd()));
    facts.put("Budget", usd(alert.limitUsd()) + " per " + budget.period());
    facts.put("Period", alert.periodId() + " (ends " + WHEN.format(alert.periodEnd()) + ")");
    return new Notice(title, text, facts, new JsonObject().put("type", "budget.alert").put("alert", alert.toJson()));
  }

  /** What "alerts channels test" sends. */
  public static Notice test(Channel channel, Instant now) {
    String text = "A test message from Tollgate to alert channel " + channel.id() + " of org " + channel.org()
        + ": budget alerts will arrive here.";
    return new Notice("Tollgate test message", text, Map.of("Org", channel.org(), "Channel", channel.id()),
        new JsonObject().put("type", "budget.test").put("org", channel.org()).put("channel", channel.id())
            .put("at", now.toString()));
  }

  private static String usd(double amount) {
    return String.format(Locale.ROOT, "$%,.2f", amount);
  }
}
