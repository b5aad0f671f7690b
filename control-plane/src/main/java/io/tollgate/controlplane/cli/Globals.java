package io.tollgate.controlplane.cli;

import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Options every command takes. Endpoint and token come from the flag, else the environment
 * (TOLLGATE_ENDPOINT, TOLLGATE_TOKEN), else the config file (--config, TOLLGATE_ADMIN_CONFIG or
 * ~/.config/tollgate/admin.yaml, with keys {@code endpoint} and {@code token}).
 */
public final class Globals {

  static final String DEFAULT_ENDPOINT = "http://localhost:8090";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** Help on every command that takes these options; their --version option would clash with picocli's. */
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--endpoint", paramLabel = "URL", description = "Control plane base URL (env TOLLGATE_ENDPOINT; default " + DEFAULT_ENDPOINT + ").")
  String endpoint;

  @Option(names = "--token", paramLabel = "TOKEN", description = "Admin token (env TOLLGATE_TOKEN).")
  String token;

  @Option(names = "--config", paramLabel = "FILE", description = "CLI config file (env TOLLGATE_ADMIN_CONFIG; default ~/.config/tollgate/admin.yaml).")
  Path config;

  /** How answers are printed. */
  enum Format { table, json }

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; json for scripts).")
  Format output;

  Output out() {
    return new Output(spec.commandLine().getOut(), output == Format.json);
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The control plane's base URL, ending in '/'. */
  String endpoint() {
    Map<String, String> env = AdminCli.environment();
    String url = first(endpoint, env.get("TOLLGATE_ENDPOINT"), (String) readConfig(env).get("endpoint"),
        DEFAULT_ENDPOINT);
    return url.endsWith("/") ? url : url + "/";
  }

  Path configFile() {
    return configPath(AdminCli.environment());
  }

  /** Token from the flag, the environment, the config file, else the cached single sign-on token (refreshed). */
  ApiClient client() {
    Map<String, String> env = AdminCli.environment();
    Map<String, Object> file = readConfig(env);
    String url = endpoint();
    String bearer = first(token, env.get("TOLLGATE_TOKEN"), (String) file.get("token"),
        SsoSession.bearer(SsoSession.path(configPath(env)), url));
    if (bearer == null) {
      throw new ApiClient.ApiException(ExitCodes.USAGE, "no token: pass --token, set TOLLGATE_TOKEN, put token: in "
          + configPath(env) + " or sign in with tollgate-admin login");
    }
    return new ApiClient(URI.create(url), bearer);
  }

  /** Runs a command against the API; failures become a message on stderr and their exit code. */
  int run(Function<ApiClient, Integer> command) {
    try {
      return command.apply(client());
    } catch (ApiClient.ApiException e) {
      err().println("tollgate-admin: " + e.getMessage());
      err().flush();
      return e.exitCode;
    }
  }

  private Path configPath(Map<String, String> env) {
    if (config != null) {
      return config;
    }
    String fromEnv = env.get("TOLLGATE_ADMIN_CONFIG");
    return fromEnv != null ? Path.of(fromEnv) : Path.of(System.getProperty("user.home"), ".config", "tollgate", "admin.yaml");
  }

  private Map<String, Object> readConfig(Map<String, String> env) {
    Path path = configPath(env);
    if (!Files.isRegularFile(path)) {
      return Map.of();
    }
    try (Reader reader = Files.newBufferedReader(path)) {
      Object loaded = new Yaml().load(reader);
      @SuppressWarnings("unchecked")
      Map<String, Object> map = loaded instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      return map;
    } catch (IOException e) {
      throw new ApiClient.ApiException(ExitCodes.USAGE, "cannot read " + path + ": " + ReadFailure.why(e));
    }
  }

  private static String first(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
