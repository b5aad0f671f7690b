package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code apply -f platform.yaml}: sends the whole file to the control plane, which plans it,
 * checks it (the same rules as every REST operation, references between entries, and the config
 * it would make) and applies it in one transaction, or with {@code --dry-run} does all of that and
 * rolls back. Prints the plan; problems are shown at their file and line.
 */
@Command(name = "apply",
    description = "Declarative management from a YAML file (see config/platform.yaml): checked whole on the control "
        + "plane and applied in one transaction, all or nothing.",
    footer = {"", "A field an entry leaves out keeps its value; null clears it. A section left out is not managed.",
        "", "Examples:", "  tollgate-admin apply -f platform.yaml --dry-run", "  tollgate-admin apply -f platform.yaml --prune"})
final class ApplyCommand implements Callable<Integer> {

  @Mixin
  Globals g;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The platform YAML file.")
  Path file;

  @Option(names = "--dry-run", description = "Plan and check everything as a real apply would, then change nothing.")
  boolean dryRun;

  @Option(names = "--prune", description = "Delete (keys: revoke) what a section of the file no longer names.")
  boolean prune;

  @Override
  public Integer call() {
    YamlDocument document;
    try {
      document = YamlDocument.read(file);
    } catch (IOException | RuntimeException e) {
      g.err().println("tollgate-admin: cannot read " + file + ": " + ReadFailure.why(e));
      g.err().flush();
      return ExitCodes.USAGE;
    }
    if (!(document.json() instanceof JsonObject json)) {
      g.err().println("tollgate-admin: " + file + ": the file must hold a mapping with policies, backends, models, "
          + "routes, orgs");
      g.err().flush();
      return ExitCodes.USAGE;
    }
    return g.run(api -> {
      JsonObject result;
      try {
        result = (JsonObject) api.post("api/v1/apply", new JsonObject().put("document", json).put("dryRun", dryRun)
            .put("prune", prune));
      } catch (ApiClient.ApiException e) {
        throw e.error() == null ? e : new ApiClient.ApiException(e.exitCode, located(e.error(), document));
      }
      print(result, g.out());
      return ExitCodes.OK;
    });
  }

  private void print(JsonObject result, Output out) {
    if (out.json()) {
      out.print(result); // for pipelines: {dryRun, applied, steps, secrets, configVersion}
      return;
    }
    JsonArray steps = result.getJsonArray("steps");
    long changes = 0;
    long removals = 0;
    for (Object item : steps) {
      JsonObject step = (JsonObject) item;
      out.line(describe(step));
      String verb = step.getString("verb");
      if (verb.equals("create") || verb.equals("update")) {
        changes++;
      } else if (verb.equals("delete") || verb.equals("revoke")) {
        removals++;
      }
    }
    out.line(changes + removals == 0 ? "no changes" : changes + " to create or update, " + removals
        + " to delete or revoke");
    if (result.getBoolean("dryRun")) {
      out.line("dry run: nothing applied");
      return;
    }
    // The only time a secret exists outside the caller's hands: say so plainly.
    result.getJsonObject("secrets").forEach(secret -> out.line("  secret of key " + secret.getKey() + " (shown once): "
        + secret.getValue()));
    if (result.getBoolean("applied")) {
      out.line("applied" + (result.getValue("configVersion") == null ? "" : " (config version "
          + result.getValue("configVersion") + ")"));
    }
  }

  static String describe(JsonObject step) {
    String section = step.getString("kind");
    String what = section + " " + step.getString("id");
    return switch (step.getString("verb")) {
      case "create" -> "+ " + what;
      case "update" -> "~ " + what + " (" + String.join(", ", step.getJsonArray("fields").stream()
          .map(String::valueOf).toList()) + ")";
      case "delete" -> "- " + what;
      case "revoke" -> "- " + what + " (revoke)";
      case "unmanaged" -> "! " + what + " is not in the file (kept; --prune " + (section.equals("keys") ? "revokes"
          : "deletes") + " it)";
      case "stuck" -> "! " + what + " is revoked: a revoked key cannot come back; name a new key id";
      default -> "= " + what;
    };
  }

  /** The refusal with each problem at its file and line: "platform.yaml:31: $.routes[0].backends[0]: unknown backend". */
  private static String located(JsonObject error, YamlDocument document) {
    StringBuilder text = new StringBuilder(document.file() + ": " + error.getString("message"));
    JsonArray fields = error.getJsonArray("fields", new JsonArray());
    for (Object item : fields) {
      JsonObject field = (JsonObject) item;
      text.append("\n  ").append(document.where(field.getString("path"))).append(": ").append(field.getString("path"))
          .append(": ").append(field.getString("reason"));
    }
    return text.toString();
  }
}
