package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "Budget alerts: where an org's go (channels), and what fired (history).",
    subcommands = {AlertsCommand.Channels.class})
final class AlertsCommand {

  /** A channel type; the API's wire values. */
  enum ChannelType { slack, teams, webhook, email }

  @Command(name = "history", description = "The org's alerts, newest first, with each channel's delivery.",
      footer = {"", "Example:", "  tollgate-admin alerts history acme --limit 20"})
  int history(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = "The org's name.") String org,
              @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                  description = "Alerts per page, 1-500 (default ${DEFAULT-VALUE}).") int limit,
              @Option(names = "--before", paramLabel = "CURSOR",
                  description = "The page after the one that printed this cursor.") String before,
              @Option(names = "--all", description = "Every page, not just the first.") boolean all) {
    return g.run(api -> {
      JsonArray alerts = new JsonArray();
      String cursor = before;
      do {
        JsonObject page = (JsonObject) api.get("api/v1/orgs/" + segment(org) + "/alerts?limit=" + limit
            + (cursor == null ? "" : "&before=" + segment(cursor)));
        page.getJsonArray("alerts").forEach(alerts::add);
        Object next = page.getValue("next");
        cursor = next == null ? null : next.toString();
      } while (all && cursor != null);
      if (g.out().json()) {
        g.out().print(new JsonObject().put("alerts", alerts).put("next", cursor));
        return ExitCodes.OK;
      }
      JsonArray rows = new JsonArray();
      for (Object item : alerts) {
        JsonObject alert = (JsonObject) item;
        rows.add(new JsonObject().put("id", alert.getValue("id")).put("at", alert.getString("at"))
            .put("budget", "key".equals(alert.getString("scope")) ? "key " + alert.getString("key") : "org")
            .put("alert", "forecast".equals(alert.getString("kind")) ? "runs out " + alert.getString("runsOutAt")
                : alert.getInteger("thresholdPercent") + " %")
            .put("spent", String.format(Locale.ROOT, "$%.2f of $%.2f", alert.getDouble("spentUsd"),
                alert.getDouble("limitUsd")))
            .put("deliveries", deliveries(alert.getJsonArray("deliveries"))));
      }
      g.out().print(rows);
      if (cursor != null) {
        g.out().line("more: --before " + cursor + " (or --all)");
      }
      return ExitCodes.OK;
    });
  }

  /** "slack delivered, email failed (3 attempts: SMTP: ...)". */
  private static String deliveries(JsonArray deliveries) {
    List<String> parts = new ArrayList<>();
    for (Object item : deliveries) {
      JsonObject delivery = (JsonObject) item;
      String status = delivery.getString("status");
      String part = delivery.getString("channel") + " " + status;
      if (!"delivered".equals(status) && delivery.getInteger("attempts", 0) > 0) {
        part += " (" + delivery.getInteger("attempts") + " attempts: " + delivery.getString("lastError") + ")";
      }
      parts.add(part);
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  @Command(name = "channels", mixinStandardHelpOptions = true,
      description = "Where an org's budget alerts go: Slack, Microsoft Teams, a signed JSON webhook, email.")
  static final class Channels {

    /** Where the channel sends: a URL or an email address, exactly one. */
    static final class Target {
      @Option(names = "--url", paramLabel = "URL", required = true,
          description = "The webhook's URL (slack, teams, webhook).") String url;
      @Option(names = "--email", paramLabel = "ADDRESS", required = true,
          description = "The address (email).") String email;
    }

    @Command(name = "add", description = "Adds a channel. A webhook channel's signing secret is printed this once.",
        footer = {"", "Examples:",
            "  tollgate-admin alerts channels add acme ops --type slack --url https://hooks.slack.com/services/...",
            "  tollgate-admin alerts channels add acme finance --type email --email finance@acme.example",
            "  tollgate-admin alerts channels add acme siem --type webhook --url https://siem.acme.example/hooks/tg"})
    int add(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
            @Parameters(index = "1", paramLabel = "ID", description = "The channel's id in the org.") String id,
            @Option(names = "--type", required = true, paramLabel = "TYPE",
                description = "One of ${COMPLETION-CANDIDATES}.") ChannelType type,
            @ArgGroup(exclusive = true, multiplicity = "1") Target target) {
      JsonObject body = new JsonObject().put("id", id).put("type", type.name());
      if (target.url != null) {
        body.put("url", target.url);
      } else {
        body.put("email", target.email);
      }
      return g.run(api -> show(g, api.post("api/v1/orgs/" + segment(org) + "/alerts/channels", body)));
    }

    @Command(name = "list", description = "The org's channels (webhook URLs shown as scheme and host only).")
    int list(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = "The org's name.") String org) {
      return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/alerts/channels")));
    }

    @Command(name = "test", description = "Sends a test message now; exit code 1 when it did not arrive.")
    int test(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
             @Parameters(index = "1", paramLabel = "ID", description = "The channel's id.") String id) {
      return g.run(api -> {
        JsonObject result = (JsonObject) api.post("api/v1/orgs/" + segment(org) + "/alerts/channels/" + segment(id)
            + "/test", new JsonObject());
        if (g.out().json()) {
          g.out().print(result);
        } else {
          g.out().line(result.getBoolean("delivered") ? "delivered a test message to " + id
              : "not delivered to " + id + ": " + result.getString("reason"));
        }
        return result.getBoolean("delivered") ? ExitCodes.OK : ExitCodes.FAILED;
      });
    }

    @Command(name = "remove", description = "Removes a channel (its pending deliveries go with it).")
    int remove(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
               @Parameters(index = "1", paramLabel = "ID", description = "The channel's id.") String id) {
      return g.run(api -> {
        api.delete("api/v1/orgs/" + segment(org) + "/alerts/channels/" + segment(id));
        g.out().line("removed alert channel " + id + " from " + org);
        return ExitCodes.OK;
      });
    }
  }
}
