package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tollgate.controlplane.cli.ApiClient.segment;

/** {@code tollgate-admin}: everything the control plane's REST API does, from a shell or a script. */
@Command(name = "tollgate-admin", mixinStandardHelpOptions = true, version = "tollgate-admin 0.1.0",
    description = "Manage Tollgate: orgs, users, roles, API keys, policies, models, backends, routes, config.",
    subcommands = {AdminCli.Me.class, AdminCli.Users.class, AdminCli.Orgs.class, AdminCli.Members.class,
        AdminCli.Keys.class, AdminCli.Catalog.Backends.class, AdminCli.Catalog.Models.class,
        AdminCli.Catalog.Routes.class, AdminCli.Catalog.Policies.class, AdminCli.Config.class, ApplyCommand.class})
public final class AdminCli {

  private static volatile Map<String, String> environment = System.getenv();

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    // picocli answers invalid input with exit code 2 (ExitCodes.USAGE).
    return new CommandLine(new AdminCli());
  }

  static Map<String, String> environment() {
    return environment;
  }

  /** Tests only: the environment the CLI reads. */
  public static void environment(Map<String, String> env) {
    environment = env;
  }

  private static int show(Globals g, Object value) {
    g.out().print(value);
    return ExitCodes.OK;
  }

  @Command(name = "me", description = "Who the token belongs to, and its roles.")
  static final class Me implements java.util.concurrent.Callable<Integer> {
    @Mixin Globals g;

    @Override
    public Integer call() {
      return g.run(api -> show(g, api.get("api/v1/me")));
    }
  }

  @Command(name = "users", description = "Users and their admin tokens (platform admins).")
  static final class Users {
    @Command(name = "list")
    int list(@Mixin Globals g) {
      return g.run(api -> show(g, api.get("api/v1/users")));
    }

    @Command(name = "create", description = "Prints the user's token once.")
    int create(@Mixin Globals g, @Parameters(paramLabel = "EMAIL") String email,
               @Option(names = "--platform-admin") boolean admin,
               @Option(names = "--token-ttl", description = TOKEN_TTL) String ttl) {
      JsonObject body = new JsonObject().put("email", email).put("platformAdmin", admin);
      if (ttl != null) {
        body.put("tokenTtl", ttl);
      }
      return g.run(api -> show(g, api.post("api/v1/users", body)));
    }

    private static final String TOKEN_TTL = "Token lifetime, e.g. P365D or 0 for never (platform admins; "
        + "default: the control plane's TOLLGATE_ADMIN_TOKEN_TTL).";

    @Command(name = "audit", description = "The whole audit log, newest first.")
    int audit(@Mixin Globals g, @Option(names = "--target", description = "e.g. route:llama, org:acme/key:ci") String target,
              @Option(names = "--limit", defaultValue = "100") int limit) {
      String query = "?limit=" + limit + (target == null ? "" : "&target=" + java.net.URLEncoder.encode(target,
          java.nio.charset.StandardCharsets.UTF_8));
      return g.run(api -> show(g, api.get("api/v1/audit" + query)));
    }

    @Command(name = "token", description = "A new token for the user (printed once); the old one stops working.")
    int token(@Mixin Globals g, @Parameters(paramLabel = "EMAIL") String email,
              @Option(names = "--token-ttl", description = TOKEN_TTL) String ttl) {
      JsonObject body = ttl == null ? null : new JsonObject().put("tokenTtl", ttl);
      return g.run(api -> show(g, api.post("api/v1/users/" + segment(email) + "/token", body)));
    }

    @Command(name = "delete")
    int delete(@Mixin Globals g, @Parameters(paramLabel = "EMAIL") String email) {
      return g.run(api -> {
        api.delete("api/v1/users/" + segment(email));
        g.out().line("deleted user " + email);
        return ExitCodes.OK;
      });
    }
  }

  @Command(name = "orgs", description = "Orgs, budgets, spend and audit trail.")
  static final class Orgs {
    @Command(name = "list")
    int list(@Mixin Globals g) {
      return g.run(api -> show(g, api.get("api/v1/orgs")));
    }

    @Command(name = "get")
    int get(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org) {
      return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org))));
    }

    @Command(name = "create")
    int create(@Mixin Globals g, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--display") String display, @Option(names = "--policy") String policy,
               @Option(names = "--budget-usd") Double budget, @Option(names = "--budget-period") String period) {
      JsonObject body = new JsonObject().put("name", name);
      putIf(body, "display", display);
      putIf(body, "policy", policy);
      if (budget != null) {
        body.put("budget", AdminCli.budget(budget, period));
      }
      return g.run(api -> show(g, api.post("api/v1/orgs", body)));
    }

    @Command(name = "update", description = "Changes the display name or policy given; the rest stays.")
    int update(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org,
               @Option(names = "--display") String display, @Option(names = "--policy") String policy,
               @Option(names = "--version", description = VERSION) Integer version) {
      JsonObject body = new JsonObject();
      putIf(body, "display", display);
      putIf(body, "policy", policy);
      putIf(body, "version", version);
      return g.run(api -> show(g, api.patch("api/v1/orgs/" + segment(org), body)));
    }

    @Command(name = "delete", description = "Deletes the org with its keys and memberships.")
    int delete(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org) {
      return g.run(api -> {
        api.delete("api/v1/orgs/" + segment(org));
        g.out().line("deleted org " + org);
        return ExitCodes.OK;
      });
    }

    @Command(name = "budget", description = "Sets the org's budget, or removes it with --clear.")
    int budget(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org,
               @Option(names = "--limit-usd") Double limit,
               @Option(names = "--period", defaultValue = "month") String period,
               @Option(names = "--clear") boolean clear) {
      if (clear == (limit != null)) {
        g.err().println("tollgate-admin: give either --limit-usd or --clear");
        g.err().flush();
        return ExitCodes.USAGE;
      }
      String path = "api/v1/orgs/" + segment(org) + "/budget";
      return g.run(api -> show(g, clear ? api.delete(path) : api.put(path, AdminCli.budget(limit, period))));
    }

    @Command(name = "spend")
    int spend(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org) {
      return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/spend")));
    }

    @Command(name = "audit")
    int audit(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org) {
      return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/audit")));
    }
  }

  static final String VERSION = "The version you read (refused with exit code 6 if it changed since); "
      + "without it the change applies to whatever is current.";

  @Command(name = "members", description = "Who belongs to an org, in which role (owner, admin, member, viewer, billing).")
  static final class Members {
    @Command(name = "list")
    int list(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org) {
      return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/members")));
    }

    @Command(name = "set")
    int set(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
            @Parameters(index = "1", paramLabel = "EMAIL") String email,
            @Parameters(index = "2", paramLabel = "ROLE") String role) {
      return g.run(api -> show(g, api.put("api/v1/orgs/" + segment(org) + "/members/" + segment(email),
          new JsonObject().put("role", role))));
    }

    @Command(name = "remove")
    int remove(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
               @Parameters(index = "1", paramLabel = "EMAIL") String email) {
      return g.run(api -> {
        api.delete("api/v1/orgs/" + segment(org) + "/members/" + segment(email));
        g.out().line("removed " + email + " from " + org);
        return ExitCodes.OK;
      });
    }
  }

  /** Key settings shared by create and update; only the flags given are sent. */
  static final class KeySettings {
    @Option(names = "--models", split = ",", description = "Allowed models (default: all).")
    List<String> models;
    @Option(names = "--policy")
    String policy;
    @Option(names = "--rpm")
    Integer rpm;
    @Option(names = "--tpm")
    Integer tpm;
    @Option(names = "--streams", description = "Max concurrent streams.")
    Integer streams;
    @Option(names = "--budget-usd")
    Double budget;
    @Option(names = "--budget-period")
    String period;
    @Option(names = "--expires-at", description = "ISO-8601 instant, e.g. 2027-01-01T00:00:00Z.")
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
        body.put("budget", budget(budget, period));
      }
      putIf(body, "expiresAt", expiresAt);
      return body;
    }
  }

  @Command(name = "keys", description = "API keys: the secret is printed once, at create and rotate.")
  static final class Keys {
    @Command(name = "list")
    int list(@Mixin Globals g, @Parameters(paramLabel = "ORG") String org) {
      return g.run(api -> show(g, api.get("api/v1/orgs/" + segment(org) + "/keys")));
    }

    @Command(name = "get")
    int get(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
            @Parameters(index = "1", paramLabel = "ID") String id) {
      return g.run(api -> show(g, api.get(keyPath(org, id))));
    }

    @Command(name = "create")
    int create(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
               @Parameters(index = "1", paramLabel = "ID") String id, @Mixin KeySettings settings) {
      return g.run(api -> show(g, api.post("api/v1/orgs/" + segment(org) + "/keys",
          settings.into(new JsonObject().put("id", id)))));
    }

    @Command(name = "update")
    int update(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
               @Parameters(index = "1", paramLabel = "ID") String id, @Mixin KeySettings settings,
               @Option(names = "--version", description = VERSION) Integer version) {
      JsonObject body = settings.into(new JsonObject());
      putIf(body, "version", version);
      return g.run(api -> show(g, api.patch(keyPath(org, id), body)));
    }

    @Command(name = "rotate")
    int rotate(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
               @Parameters(index = "1", paramLabel = "ID") String id,
               @Option(names = "--grace-seconds", defaultValue = "3600") int grace) {
      return g.run(api -> show(g, api.post(keyPath(org, id) + "/rotate", new JsonObject().put("graceSeconds", grace))));
    }

    @Command(name = "revoke")
    int revoke(@Mixin Globals g, @Parameters(index = "0", paramLabel = "ORG") String org,
               @Parameters(index = "1", paramLabel = "ID") String id) {
      return g.run(api -> show(g, api.post(keyPath(org, id) + "/revoke", null)));
    }

    private static String keyPath(String org, String id) {
      return "api/v1/orgs/" + segment(org) + "/keys/" + segment(id);
    }
  }

  /** The shared catalogue: JSON bodies as in config/openapi/control-plane.yaml. */
  abstract static class Catalog {
    abstract String kind();

    @Command(name = "list")
    int list(@Mixin Globals g) {
      return g.run(api -> show(g, api.get("api/v1/" + kind())));
    }

    @Command(name = "get")
    int get(@Mixin Globals g, @Parameters(paramLabel = "ID") String id) {
      return g.run(api -> show(g, api.get("api/v1/" + kind() + "/" + segment(id))));
    }

    @Command(name = "create", description = "Body as JSON: --json '{...}' or -f FILE.")
    int create(@Mixin Globals g, @Option(names = "--json") String json, @Option(names = {"-f", "--file"}) Path file) {
      return g.run(api -> show(g, api.post("api/v1/" + kind(), body(json, file))));
    }

    @Command(name = "update", description = "Changes the fields the body names (a JSON merge patch: null removes "
        + "a field); the rest stays.")
    int update(@Mixin Globals g, @Parameters(paramLabel = "ID") String id, @Option(names = "--json") String json,
               @Option(names = {"-f", "--file"}) Path file, @Option(names = "--version", description = VERSION) Integer version) {
      return g.run(api -> {
        JsonObject body = body(json, file);
        putIf(body, "version", version);
        return show(g, api.patch("api/v1/" + kind() + "/" + segment(id), body));
      });
    }

    @Command(name = "delete")
    int delete(@Mixin Globals g, @Parameters(paramLabel = "ID") String id) {
      return g.run(api -> {
        api.delete("api/v1/" + kind() + "/" + segment(id));
        g.out().line("deleted " + kind() + " " + id);
        return ExitCodes.OK;
      });
    }

    private static JsonObject body(String json, Path file) {
      try {
        String text = json != null ? json : file != null ? Files.readString(file) : null;
        if (text == null) {
          throw new ApiClient.ApiException(ExitCodes.USAGE, "give the body with --json or -f");
        }
        return new JsonObject(text);
      } catch (IOException | io.vertx.core.json.DecodeException e) {
        throw new ApiClient.ApiException(ExitCodes.USAGE, "cannot read the body: " + e.getMessage());
      }
    }

    @Command(name = "backends", description = "vLLM backends: {id, url, labels}.")
    static final class Backends extends Catalog {
      @Override
      String kind() {
        return "backends";
      }
    }

    @Command(name = "models", description = "Models and prices: {name, prices: {promptPerMillion, completionPerMillion}}.")
    static final class Models extends Catalog {
      @Override
      String kind() {
        return "models";
      }
    }

    @Command(name = "routes", description = "Routes: {model, backends, maxAttempts, timeouts, strategy, fallback, canary, ...}.")
    static final class Routes extends Catalog {
      @Override
      String kind() {
        return "routes";
      }
    }

    @Command(name = "policies", description = "Limit policies: {name, limits}; 'default' sets the gateways' defaults.")
    static final class Policies extends Catalog {
      @Override
      String kind() {
        return "policies";
      }
    }
  }

  @Command(name = "config", description = "Config versions the gateways apply.")
  static final class Config {
    @Command(name = "latest")
    int latest(@Mixin Globals g) {
      return g.run(api -> show(g, api.get("api/v1/config/snapshots/latest")));
    }

    @Command(name = "get")
    int get(@Mixin Globals g, @Parameters(paramLabel = "VERSION") long version) {
      return g.run(api -> show(g, api.get("api/v1/config/snapshots/" + version)));
    }
  }

  static JsonObject budget(double limit, String period) {
    return new JsonObject().put("limitUsd", limit).put("period", period == null ? "month" : period);
  }

  static void putIf(JsonObject body, String field, Object value) {
    if (value != null) {
      body.put(field, value);
    }
  }
}
