package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

import static io.tollgate.controlplane.cli.AdminCli.putIf;
import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "API keys: the secret is printed once, at create and rotate.")
final class KeysCommand {

  /** Key settings shared by create and update; only the flags given are sent. */
  static final class KeySettings {
    @Option(names = "--models", split = ",", paramLabel = "MODEL", description = "Allowed models, comma-separated "
        + "(default on create: all).")
    List<String> models;
    @Option(names = "--policy", paramLabel = "POLICY", description = "Limit policy: limits the key does not set.")
    String policy;
    @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute (0 = unlimited).")
    Integer rpm;
    @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute (0 = unlimited).")
    Integer tpm;
    @Option(names = "--streams", paramLabel = "N", description = "Concurrent streams at most.")
    Integer streams;
    @Option(names = "--budget-usd", paramLabel = "USD", description = "Spending limit per period.")
    Double budget;
    @Option(names = "--budget-period", paramLabel = "PERIOD",
        description = "Budget period: ${COMPLETION-CANDIDATES} (default month).")
    AdminCli.Period period;
    @Option(names = "--expires-at", paramLabel = "INSTANT", description = "ISO-8601 instant, e.g. 2027-01-01T00:00:00Z.")
    String expiresAt;

    JsonObject into(JsonObject body) {
      if (models != null) {
        body.put("models", new JsonArray(List.copyOf(models)));
      }
      putIf(body, "policy", policy);
      JsonObject limits = new JsonObject();
      putIf(limits, "requestsPerMinute", rpm);
      putIf(limits, "tokensPerMinute", tpm);
      putIf(limits, "maxConcurrentStreams", streams);
      if (!limits.isEmpty()) {
        body.put("limits", limits);
      }
      if (budget != null) {
        body.put("budget", AdminCli.budget(budget, period));
      }
      putIf(body, "expiresAt", expiresAt);
      return body;
    }
  }

  private static final String ORG = "The org's name.";
  private static final String ID = "The key's id.";

  @Command(name = "list", description = "The org's keys (never their secrets).")
  int list(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org) {
    return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/keys")));
  }

  @Command(name = "get", description = "One key.")
  int get(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = ORG) String org,
          @Parameters(index = "1", paramLabel = "ID", description = ID) String id) {
    return g.run(api -> show(g, api.get(keyPath(org, id))));
  }

  @Command(name = "create", description = "Creates a key; prints its secret once.",
      footer = {"", "Example:", "  tollgate-admin keys create acme ci-bot --rpm 60 --models llama -o json"})
  int create(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = ORG) String org,
             @Parameters(index = "1", paramLabel = "ID", description = "The key's id: letters, digits, . _ -.") String id,
             @Mixin KeySettings settings) {
    return g.run(api -> show(g, api.post("api/v1/orgs/" + segment(org) + "/keys",
        settings.into(new JsonObject().put("id", id)))));
  }

  @Command(name = "update", description = "Changes the settings given; the rest stays.",
      footer = {"", "Example:", "  tollgate-admin keys update acme ci-bot --tpm 100000 --version 2"})
  int update(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = ORG) String org,
             @Parameters(index = "1", paramLabel = "ID", description = ID) String id, @Mixin KeySettings settings,
             @Option(names = "--version", paramLabel = "N", description = AdminCli.VERSION) Integer version) {
    JsonObject body = settings.into(new JsonObject());
    putIf(body, "version", version);
    return g.run(api -> show(g, api.patch(keyPath(org, id), body)));
  }

  @Command(name = "rotate",
      description = "A new secret (printed once); the old one works until the grace period ends.")
  int rotate(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = ORG) String org,
             @Parameters(index = "1", paramLabel = "ID", description = ID) String id,
             @Option(names = "--grace-seconds", paramLabel = "SECONDS", defaultValue = "3600",
                 description = "How long the old secret keeps working (default ${DEFAULT-VALUE}; 0 = not at all).")
             int grace) {
    return g.run(api -> show(g, api.post(keyPath(org, id) + "/rotate", new JsonObject().put("graceSeconds", grace))));
  }

  @Command(name = "revoke",
      description = "Revokes the key at every gateway within a second; it cannot come back.")
  int revoke(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = ORG) String org,
             @Parameters(index = "1", paramLabel = "ID", description = ID) String id) {
    return g.run(api -> show(g, api.post(keyPath(org, id) + "/revoke", null)));
  }

  private static String keyPath(String org, String id) {
    return "api/v1/orgs/" + segment(org) + "/keys/" + segment(id);
  }
}
