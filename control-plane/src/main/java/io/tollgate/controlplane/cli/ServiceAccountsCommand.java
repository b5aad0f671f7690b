package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

@Command(name = "service-accounts", mixinStandardHelpOptions = true,
    description = "An org's non-human callers (CI, automation) with their own tokens; the audit log names them "
        + "service_account:ORG/NAME.")
final class ServiceAccountsCommand {

  /** The roles a service account may have (not owner: no machine deletes an org). */
  enum AccountRole { admin, member, viewer, billing }

  @Command(name = "list", description = "The org's service accounts.")
  int list(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = "The org's name.") String org) {
    return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/service-accounts")));
  }

  @Command(name = "create", description = "Creates a service account; prints its token once.",
      footer = {"", "Example:", "  tollgate-admin service-accounts create acme ci-deployer member --token-ttl P90D -o json"})
  int create(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
             @Parameters(index = "1", paramLabel = "NAME", description = "Lower-case letters, digits, . _ -.") String name,
             @Parameters(index = "2", paramLabel = "ROLE", description = "One of ${COMPLETION-CANDIDATES}.")
             AccountRole role,
             @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.") String description,
             @Option(names = "--token-ttl", paramLabel = "DURATION",
                 description = "Token lifetime: ISO-8601 (P90D) or days; 0 never expires.") String ttl) {
    JsonObject body = new JsonObject().put("name", name).put("role", role.name());
    AdminCli.putIf(body, "description", description);
    AdminCli.putIf(body, "tokenTtl", ttl);
    return g.run(api -> show(g, api.post("api/v1/orgs/" + segment(org) + "/service-accounts", body)));
  }

  @Command(name = "token", description = "A new token (printed once); the current one keeps working for the grace.")
  int token(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
            @Parameters(index = "1", paramLabel = "NAME", description = "The service account.") String name,
            @Option(names = "--grace", paramLabel = "SECONDS",
                description = "How long the current token keeps working (default 3600; 0 ends it now).") Integer grace,
            @Option(names = "--token-ttl", paramLabel = "DURATION",
                description = "Token lifetime: ISO-8601 (P90D) or days; 0 never expires.") String ttl) {
    JsonObject body = new JsonObject();
    if (grace != null) {
      body.put("graceSeconds", grace);
    }
    AdminCli.putIf(body, "tokenTtl", ttl);
    return g.run(api -> show(g, api.post("api/v1/orgs/" + segment(org) + "/service-accounts/" + segment(name)
        + "/token", body)));
  }

  @Command(name = "delete", description = "Deletes the service account; its tokens stop working at once.")
  int delete(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
             @Parameters(index = "1", paramLabel = "NAME", description = "The service account.") String name) {
    return g.run(api -> {
      api.delete("api/v1/orgs/" + segment(org) + "/service-accounts/" + segment(name));
      g.out().line("deleted service account " + name + " of " + org);
      return ExitCodes.OK;
    });
  }
}
