package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static io.tollgate.controlplane.cli.AdminCli.putIf;
import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

@Command(name = "orgs", mixinStandardHelpOptions = true, description = "Orgs, budgets, spend and audit trail.")
final class OrgsCommand {

  private static final String ORG = "The org's name.";

  @Command(name = "list", description = "The orgs you may see.")
  int list(@Mixin Globals g) {
    return g.run(api -> show(g, api.get("api/v1/orgs")));
  }

  @Command(name = "get", description = "One org.")
  int get(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org) {
    return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org))));
  }

  @Command(name = "create", description = "Creates an org (platform admins).",
      footer = {"", "Example:", "  tollgate-admin orgs create acme --display 'ACME Corp' --budget-usd 500"})
  int create(@Mixin Globals g,
             @Parameters(paramLabel = "NAME", description = "The org's name: letters, digits, . _ - (at most 64).")
             String name,
             @Option(names = "--display", paramLabel = "TEXT", description = "Display name.") String display,
             @Option(names = "--policy", paramLabel = "POLICY", description = "Limit policy for the org.") String policy,
             @Option(names = "--budget-usd", paramLabel = "USD", description = "Spending limit per period.") Double budget,
             @Option(names = "--budget-period", paramLabel = "PERIOD",
                 description = "Budget period: ${COMPLETION-CANDIDATES} (default month).") AdminCli.Period period) {
    JsonObject body = new JsonObject().put("name", name);
    putIf(body, "display", display);
    putIf(body, "policy", policy);
    if (budget != null) {
      body.put("budget", AdminCli.budget(budget, period));
    }
    return g.run(api -> show(g, api.post("api/v1/orgs", body)));
  }

  @Command(name = "update",
      description = "Changes the display name or policy given; the rest stays.",
      footer = {"", "Example:", "  tollgate-admin orgs update acme --policy large --version 3"})
  int update(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org,
             @Option(names = "--display", paramLabel = "TEXT", description = "New display name.") String display,
             @Option(names = "--policy", paramLabel = "POLICY", description = "New limit policy.") String policy,
             @Option(names = "--version", paramLabel = "N", description = AdminCli.VERSION) Integer version) {
    JsonObject body = new JsonObject();
    putIf(body, "display", display);
    putIf(body, "policy", policy);
    putIf(body, "version", version);
    return g.run(api -> show(g, api.patch("api/v1/orgs/" + segment(org), body)));
  }

  @Command(name = "delete",
      description = "Deletes the org with its keys (revoked at the gateways) and memberships.")
  int delete(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org) {
    return g.run(api -> {
      api.delete("api/v1/orgs/" + segment(org));
      g.out().line("deleted org " + org);
      return ExitCodes.OK;
    });
  }

  @Command(name = "budget", description = "Sets the org's budget, or removes it with --clear.",
      footer = {"", "Examples:", "  tollgate-admin orgs budget acme --limit-usd 500 --period month",
          "  tollgate-admin orgs budget acme --clear"})
  int budget(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org,
             @Option(names = "--limit-usd", paramLabel = "USD", description = "Spending limit per period.") Double limit,
             @Option(names = "--period", paramLabel = "PERIOD", defaultValue = "month",
                 description = "Budget period: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).") AdminCli.Period period,
             @Option(names = "--clear", description = "Removes the budget.") boolean clear) {
    if (clear == (limit != null)) {
      g.err().println("tollgate-admin: give either --limit-usd or --clear");
      g.err().flush();
      return ExitCodes.USAGE;
    }
    String path = "api/v1/orgs/" + segment(org) + "/budget";
    return g.run(api -> show(g, clear ? api.delete(path) : api.put(path, AdminCli.budget(limit, period))));
  }

  @Command(name = "spend",
      description = "This period's spend of the org and of each key with a budget.")
  int spend(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org) {
    return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/spend")));
  }

  @Command(name = "audit",
      description = "The org's audit trail (the org, its members and keys), newest first.",
      footer = {"", "Examples:", "  tollgate-admin orgs audit acme --action 'key.*' --limit 20",
          "  tollgate-admin orgs audit acme --actor alice@example.com --wide"})
  int audit(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = ORG) String org, @Mixin AuditView view) {
    return g.run(api -> view.show(g, api, "api/v1/orgs/" + segment(org) + "/audit"));
  }
}
