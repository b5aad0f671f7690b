package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

@Command(name = "users", mixinStandardHelpOptions = true,
    description = "Users and their admin tokens (platform admins), and the whole audit log.")
final class UsersCommand {

  private static final String TOKEN_TTL = "Token lifetime: ISO-8601 (P365D, PT12H), days (30) or 0 for never "
      + "(platform admins; default: the control plane's TOLLGATE_ADMIN_TOKEN_TTL).";

  @Command(name = "list", description = "Every user.")
  int list(@Mixin Globals g) {
    return g.run(api -> show(g, api.get("api/v1/users")));
  }

  @Command(name = "create", description = "Creates a user; prints its token once.",
      footer = {"", "Example:", "  tollgate-admin users create reader@example.com --config-reader --token-ttl P365D -o json"})
  int create(@Mixin Globals g, @Parameters(paramLabel = "EMAIL", description = "The user's email.") String email,
             @Option(names = "--platform-admin", description = "May manage everything.") boolean admin,
             @Option(names = "--config-reader", description = "May read config snapshots (the gateways' user).")
             boolean configReader,
             @Option(names = "--token-ttl", paramLabel = "DURATION", description = TOKEN_TTL) String ttl) {
    JsonObject body = new JsonObject().put("email", email).put("platformAdmin", admin);
    if (configReader) {
      body.put("configReader", true);
    }
    AdminCli.putIf(body, "tokenTtl", ttl);
    return g.run(api -> show(g, api.post("api/v1/users", body)));
  }

  @Command(name = "token",
      description = "A new token for the user (printed once); the old one stops working.")
  int token(@Mixin Globals g, @Parameters(paramLabel = "EMAIL", description = "The user's email.") String email,
            @Option(names = "--token-ttl", paramLabel = "DURATION", description = TOKEN_TTL) String ttl) {
    JsonObject body = ttl == null ? null : new JsonObject().put("tokenTtl", ttl);
    return g.run(api -> show(g, api.post("api/v1/users/" + segment(email) + "/token", body)));
  }

  @Command(name = "delete", description = "Deletes the user and their memberships.")
  int delete(@Mixin Globals g, @Parameters(paramLabel = "EMAIL", description = "The user's email.") String email) {
    return g.run(api -> {
      api.delete("api/v1/users/" + segment(email));
      g.out().line("deleted user " + email);
      return ExitCodes.OK;
    });
  }

  @Command(name = "audit",
      description = "The whole audit log, newest first (platform admins).",
      footer = {"", "Examples:", "  tollgate-admin users audit --action refused --since 2027-01-01T00:00:00Z",
          "  tollgate-admin users audit --target 'org:acme/*' --wide"})
  int audit(@Mixin Globals g, @Mixin AuditView view) {
    return g.run(api -> view.show(g, api, "api/v1/audit"));
  }
}
