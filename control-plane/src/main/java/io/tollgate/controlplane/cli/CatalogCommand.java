package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.tollgate.controlplane.cli.AdminCli.show;
import static io.tollgate.controlplane.cli.ApiClient.segment;

/** The shared catalogue: JSON bodies as in config/openapi/control-plane.yaml. */
abstract class CatalogCommand {

  abstract String kind();

  @Command(name = "list", description = "Every one.")
  int list(@Mixin Globals g) {
    return g.run(api -> show(g, api.get("api/v1/" + kind())));
  }

  @Command(name = "get", description = "One, by id (model names may hold '/').")
  int get(@Mixin Globals g, @Parameters(paramLabel = "ID", description = "Its id or name.") String id) {
    return g.run(api -> show(g, api.get("api/v1/" + kind() + "/" + segment(id))));
  }

  @Command(name = "create", description = "Creates one from a JSON body "
      + "(platform admins); makes a new config version.",
      footer = {"", "Example (a backend):",
          "  tollgate-admin backends create --json '{\"id\":\"gpu-a\",\"url\":\"http://gpu-a:8000\"}'"})
  int create(@Mixin Globals g, @Mixin Body body) {
    return g.run(api -> show(g, api.post("api/v1/" + kind(), body.read())));
  }

  @Command(name = "update", description = "Changes the fields the body names (a JSON "
      + "merge patch: null removes a field); the rest stays.",
      footer = {"", "Example (the other limits stay):",
          "  tollgate-admin policies update team --version 4 \\",
          "    --json '{\"limits\":{\"requestsPerMinute\":11}}'"})
  int update(@Mixin Globals g, @Parameters(paramLabel = "ID", description = "Its id or name.") String id,
             @Mixin Body body, @Option(names = "--version", paramLabel = "N", description = AdminCli.VERSION) Integer version) {
    return g.run(api -> {
      JsonObject patch = body.read();
      AdminCli.putIf(patch, "version", version);
      return show(g, api.patch("api/v1/" + kind() + "/" + segment(id), patch));
    });
  }

  @Command(name = "delete", description = "Deletes one; refused (422) while in use.")
  int delete(@Mixin Globals g, @Parameters(paramLabel = "ID", description = "Its id or name.") String id) {
    return g.run(api -> {
      api.delete("api/v1/" + kind() + "/" + segment(id));
      g.out().line("deleted " + kind() + " " + id);
      return ExitCodes.OK;
    });
  }

  /** The JSON body of a create or update, inline or from a file. */
  static final class Body {
    @Option(names = "--json", paramLabel = "JSON", description = "The body, inline.")
    String json;
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A file holding the body.")
    Path file;

    JsonObject read() {
      try {
        String text = json != null ? json : file != null ? Files.readString(file) : null;
        if (text == null) {
          throw new ApiClient.ApiException(ExitCodes.USAGE, "give the body with --json or -f");
        }
        return new JsonObject(text);
      } catch (IOException | io.vertx.core.json.DecodeException e) {
        throw new ApiClient.ApiException(ExitCodes.USAGE, "cannot read the body: " + ReadFailure.why(e));
      }
    }
  }

  @Command(name = "backends", mixinStandardHelpOptions = true, description = "vLLM backends: {id, url, labels}.")
  static final class Backends extends CatalogCommand {
    @Override
    String kind() {
      return "backends";
    }
  }

  @Command(name = "models", mixinStandardHelpOptions = true,
      description = "Models and prices: {name, prices: {promptPerMillion, completionPerMillion}} in USD.")
  static final class Models extends CatalogCommand {
    @Override
    String kind() {
      return "models";
    }
  }

  @Command(name = "routes", mixinStandardHelpOptions = true,
      description = "Routes: {model, backends, weights, maxAttempts, timeouts, strategy, fallback, canary, ...}.")
  static final class Routes extends CatalogCommand {
    @Override
    String kind() {
      return "routes";
    }
  }

  @Command(name = "policies", mixinStandardHelpOptions = true,
      description = "Limit policies: {name, limits}; 'default' sets the gateways' defaults.")
  static final class Policies extends CatalogCommand {
    @Override
    String kind() {
      return "policies";
    }
  }
}
