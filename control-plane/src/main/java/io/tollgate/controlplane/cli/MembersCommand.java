package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

@Command(name = "members", mixinStandardHelpOptions = true,
    description = "Who belongs to an org, in which role (owner, admin, member, viewer, billing); invitations of "
        + "people without a user.")
final class MembersCommand {

  @Command(name = "list", description = "The org's members and roles.")
  int list(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = "The org's name.") String org) {
    return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/members")));
  }

  @Command(name = "set", description = "Adds a user to the org, or changes their role.",
      footer = {"", "Example:", "  tollgate-admin members set acme alice@example.com owner"})
  int set(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
          @Parameters(index = "1", paramLabel = "EMAIL", description = "An existing user's email.") String email,
          @Parameters(index = "2", paramLabel = "ROLE", description = "One of ${COMPLETION-CANDIDATES}.")
          AdminCli.OrgRole role) {
    return g.run(api -> show(g, api.put("api/v1/orgs/" + segment(org) + "/members/" + segment(email),
        new JsonObject().put("role", role.name()))));
  }

  @Command(name = "remove", description = "Removes a user from the org.")
  int remove(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
             @Parameters(index = "1", paramLabel = "EMAIL", description = "The member's email.") String email) {
    return g.run(api -> {
      api.delete("api/v1/orgs/" + segment(org) + "/members/" + segment(email));
      g.out().line("removed " + email + " from " + org);
      return ExitCodes.OK;
    });
  }

  @Command(name = "invite", description = "Emails someone without a user a single-use link (valid 7 days) to choose a "
      + "password and join the org with ROLE. Inviting again replaces the link.",
      footer = {"", "Example:", "  tollgate-admin members invite acme carol@example.com member"})
  int invite(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
             @Parameters(index = "1", paramLabel = "EMAIL", description = "Who to invite (no user yet).") String email,
             @Parameters(index = "2", paramLabel = "ROLE", description = "One of ${COMPLETION-CANDIDATES}.")
             AdminCli.OrgRole role) {
    return g.run(api -> show(g, api.post("api/v1/orgs/" + segment(org) + "/invites",
        new JsonObject().put("email", email).put("role", role.name()))));
  }

  @Command(name = "invites", description = "The org's pending invitations (expired ones marked).")
  int invites(@Mixin Globals g, @Parameters(paramLabel = "ORG", description = "The org's name.") String org) {
    return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/invites")));
  }

  @Command(name = "revoke-invite", description = "Revokes a pending invitation: its link stops working.")
  int revokeInvite(@Mixin Globals g,
                   @Parameters(index = "0", paramLabel = "ORG", description = "The org's name.") String org,
                   @Parameters(index = "1", paramLabel = "EMAIL", description = "The invitee's email.") String email) {
    return g.run(api -> {
      api.delete("api/v1/orgs/" + segment(org) + "/invites/" + segment(email));
      g.out().line("revoked the invitation of " + email + " to " + org);
      return ExitCodes.OK;
    });
  }
}
