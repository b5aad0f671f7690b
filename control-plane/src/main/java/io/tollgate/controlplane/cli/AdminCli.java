package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tollgate-admin}: everything the control plane's REST API does, from a shell or a script.
 * Every command answers {@code --help} / {@code -h} (before any of its required parameters), names
 * its parameters, and lists the values an option allows.
 */
@Command(name = "tollgate-admin", mixinStandardHelpOptions = true, version = "tollgate-admin 0.1.0",
    description = "Manage Tollgate: orgs, users, roles, API keys, policies, models, backends, routes, config.",
    footer = {"", "Endpoint and token: --endpoint/--token, else TOLLGATE_ENDPOINT/TOLLGATE_TOKEN, else the config "
        + "file (~/.config/tollgate/admin.yaml: endpoint, token).",
        "Exit codes: 0 done, 1 failure, 2 usage, 3 unauthenticated, 4 forbidden, 5 not found, 6 conflict or stale "
            + "version, 7 invalid, 8 unreachable.", "",
        "Examples:", "  tollgate-admin orgs create acme --display 'ACME Corp' --policy team",
        "  tollgate-admin keys create acme ci-bot --rpm 60 --models llama -o json",
        "  tollgate-admin apply -f platform.yaml --dry-run"},
    subcommands = {LoginCommand.class, AdminCli.Me.class, UsersCommand.class, OrgsCommand.class, MembersCommand.class,
        ServiceAccountsCommand.class, KeysCommand.class,
        CatalogCommand.Backends.class, CatalogCommand.Models.class, CatalogCommand.Routes.class,
        CatalogCommand.Policies.class, AlertsCommand.class, AdminCli.Config.class, ApplyCommand.class})
public final class AdminCli {

  private static volatile Map<String, String> environment = System.getenv();

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    // picocli answers invalid input with exit code 2 (ExitCodes.USAGE).
    return new CommandLine(new AdminCli()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  static Map<String, String> environment() {
    return environment;
  }

  /** Tests only: the environment the CLI reads. */
  public static void environment(Map<String, String> env) {
    environment = env;
  }

  static int show(Globals g, Object value) {
    g.out().print(value);
    return ExitCodes.OK;
  }

  @Command(name = "me", description = "Who the token belongs to, and its roles.")
  static final class Me implements Callable<Integer> {
    @Mixin Globals g;

    @Override
    public Integer call() {
      return g.run(api -> show(g, api.get("api/v1/me")));
    }
  }

  @Command(name = "config", mixinStandardHelpOptions = true, description = "Config versions the gateways apply.")
  static final class Config {
    @Command(name = "latest", description = "The latest config version.")
    int latest(@Mixin Globals g) {
      return g.run(api -> show(g, api.get("api/v1/config/snapshots/latest")));
    }

    @Command(name = "get", description = "One config version.")
    int get(@Mixin Globals g, @Parameters(paramLabel = "VERSION", description = "The version number.") long version) {
      return g.run(api -> show(g, api.get("api/v1/config/snapshots/" + version)));
    }
  }

  /** A budget period; the API's wire values. */
  enum Period { day, month }

  /** A role in an org; the API's wire values. */
  enum OrgRole { owner, admin, member, viewer, billing }

  static JsonObject budget(double limit, Period period) {
    return new JsonObject().put("limitUsd", limit).put("period", (period == null ? Period.month : period).name());
  }

  static void putIf(JsonObject body, String field, Object value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  static final String VERSION = "The version you read (refused with exit code 6 if it changed since); without it the "
      + "change applies to whatever is current.";
}
