package io.tollgate.e2e;

import io.tollgate.testsupport.Services;
import io.tollgate.testsupport.TcpRelay;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The platform under test: real processes started by {@code scripts/platform.sh up}, on ports, a state
 * dir and data names of their own (a developer's platform, or another worktree's suite, runs on). Its
 * usage events reach RabbitMQ through a relay this JVM owns, so "RabbitMQ stops" for this platform
 * without stopping the broker everyone else on the machine uses.
 */
final class Platform implements AutoCloseable {

  /** Offsets from the port base, as scripts/platform.sh lays them out. */
  private static final int[] PORT_OFFSETS = {0, 1, 80, 81, 82, 83, 90, 91};

  final Path root;
  final Path state;
  final String name;
  final int portBase;
  private final Vertx vertx;
  final TcpRelay rabbitRelay;
  /** The control plane's SMTP server, whose mail the portal suite reads (invitations). */
  private Mailbox mailbox;
  private Map<String, String> env = Map.of();

  private Platform(Path root, Path state, String name, int portBase, Vertx vertx, TcpRelay rabbitRelay) {
    this.root = root;
    this.state = state;
    this.name = name;
    this.portBase = portBase;
    this.vertx = vertx;
    this.rabbitRelay = rabbitRelay;
  }

  static Platform start() throws Exception {
    Path root = Path.of(System.getProperty("tollgate.root", "..")).toAbsolutePath().normalize();
    Path state = Path.of(System.getProperty("tollgate.e2e.state", root.resolve("e2e/target/platform").toString()));
    String name = "e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    stopLeftover(root, state);
    Vertx vertx = Vertx.vertx();
    TcpRelay relay = TcpRelay.start(vertx, Services.RABBITMQ_HOST, Services.RABBITMQ_PORT)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Platform platform = new Platform(root, state, name, freePortBase(), vertx, relay);
    try {
      platform.mailbox = Mailbox.start(vertx);
      platform.up();
      platform.requireServices();
    } catch (Throwable e) {
      platform.close();
      throw e;
    }
    return platform;
  }

  /**
   * A run that was killed (Ctrl-C on Maven) leaves its processes running under this state dir: stop them
   * by their pids and drop their data, under the name that run used, before this run starts its own.
   */
  private static void stopLeftover(Path root, Path state) throws Exception {
    Path env = state.resolve("platform.env");
    if (!Files.isDirectory(state)) {
      return;
    }
    Map<String, String> vars = Files.exists(env) ? parseEnv(Files.readString(env)) : Map.of();
    ProcessBuilder down = new ProcessBuilder("bash", root.resolve("scripts/platform.sh").toString(), "down", "--purge")
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    down.environment().put("TOLLGATE_PLATFORM_DIR", state.toString());
    down.environment().put("TOLLGATE_PLATFORM_NAME", vars.getOrDefault("TOLLGATE_PLATFORM_NAME", "e2e_leftover"));
    Process process = down.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("scripts/platform.sh down --purge of the leftover in " + state + " did not finish");
    }
  }

  /** A base where every port the platform takes is free, away from the 8000–8091 a developer's platform uses. */
  private static int freePortBase() {
    int first = 20_000 + 100 * (int) (ProcessHandle.current().pid() % 300);
    for (int base = first; base < 60_000; base += 100) {
      if (allFree(base)) {
        return base;
      }
    }
    throw new AssertionError("no free range of ports for the platform between 20000 and 60000");
  }

  private static boolean allFree(int base) {
    return Arrays.stream(PORT_OFFSETS).allMatch(offset -> free(base + offset));
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** What every platform.sh call of this suite runs with. */
  private Map<String, String> scriptEnv() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("TOLLGATE_PLATFORM_DIR", state.toString());
    vars.put("TOLLGATE_PLATFORM_NAME", name);
    vars.put("TOLLGATE_PLATFORM_PORT_BASE", Integer.toString(portBase));
    vars.put("TOLLGATE_PLATFORM_PG_URL", Services.PG_URL);
    vars.put("TOLLGATE_PLATFORM_REDIS_URL", Services.REDIS_URL);
    vars.put("TOLLGATE_PLATFORM_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:" + rabbitRelay.port() + "/");
    if (mailbox != null) {
      vars.put("TOLLGATE_PLATFORM_SMTP_PORT", Integer.toString(mailbox.smtpPort()));
    }
    return vars;
  }

  /** Output of a finished process. */
  record Result(int exit, String stdout, String stderr) {
    Result expect(int wanted, String what) {
      if (exit != wanted) {
        throw new AssertionError(what + ": exit " + exit + " (wanted " + wanted + ")\nstdout:\n" + stdout
            + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  /** {@code scripts/platform.sh up}: starts what does not run (again); the first time also bootstraps. */
  void up() {
    Result result = script("up");
    if (result.exit() != 0) {
      throw new AssertionError("scripts/platform.sh up failed (exit " + result.exit() + "). If a service is missing,"
          + " start PostgreSQL, Redis and RabbitMQ with scripts/services.sh.\n" + result.stderr() + result.stdout());
    }
    env = parseEnv(script("env").expect(0, "scripts/platform.sh env").stdout());
  }

  Result script(String... args) {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/platform.sh").toString()));
    command.addAll(List.of(args));
    return run(command, scriptEnv(), 300);
  }

  /** tollgate-admin as a process, with this token. Options go after the command, as the CLI wants. */
  Result cli(String token, String... args) {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar",
        root.resolve("control-plane/target/tollgate-admin.jar").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint", controlPlaneUrl(), "--token", token));
    return run(command, Map.of(), 60);
  }

  /**
   * The portal's browser suite (portal/e2e: playwright-core driving the OS's Chromium) against this
   * platform, given everything {@code platform.sh env} printed.
   */
  Result portalSuite(Map<String, String> extraEnv) {
    Map<String, String> vars = new java.util.HashMap<>(env);
    if (mailbox != null) {
      vars.put("TOLLGATE_E2E_MAILBOX_URL", mailbox.url());
    }
    vars.putAll(extraEnv);
    return run(List.of("npm", "--prefix", root.resolve("portal").toString(), "run", "e2e"), vars, 600);
  }

  private Result run(List<String> command, Map<String, String> extraEnv, long timeoutSeconds) {
    try {
      Path out = Files.createTempFile("e2e-out", ".txt");
      Path err = Files.createTempFile("e2e-err", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(extraEnv);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
      }
      Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Map<String, String> parseEnv(String text) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        vars.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return Map.copyOf(vars);
  }

  /** After up: each service answers where the env says, or the suite fails naming it and how to start it. */
  private void requireServices() {
    Services.requirePostgres();
    Services.requireRedis();
    Services.requireRabbitMq();
    for (String url : List.of(controlPlaneUrl() + "/ready", analyticsUrl() + "/ready", gatewayUrls().get(0) + "/readyz",
        gatewayUrls().get(1) + "/readyz")) {
      Http.Reply reply = Http.get(url, null);
      if (reply.status() != 200) {
        throw new AssertionError(url + " answered " + reply.status() + " after scripts/platform.sh up: " + reply.body()
            + " (logs in " + state.resolve("logs") + ")");
      }
    }
  }

  String env(String key) {
    String value = env.get(key);
    if (value == null) {
      throw new AssertionError("scripts/platform.sh env printed no " + key + ": " + env.keySet());
    }
    return value;
  }

  List<String> gatewayUrls() {
    return List.of(env("TOLLGATE_GATEWAY_URLS").split(","));
  }

  List<String> gatewayAdminUrls() {
    return List.of(env("TOLLGATE_GATEWAY_ADMIN_URLS").split(","));
  }

  String controlPlaneUrl() {
    return env("TOLLGATE_CONTROL_PLANE_URL");
  }

  String analyticsUrl() {
    return env("TOLLGATE_ANALYTICS_URL");
  }

  String adminToken() {
    return env("TOLLGATE_ADMIN_TOKEN");
  }

  String adminEmail() {
    return env("TOLLGATE_ADMIN_EMAIL");
  }

  String model() {
    return env("TOLLGATE_MODEL");
  }

  /**
   * Waits until both gateways run the control plane's latest config version (their
   * tollgate_config_sync_version), so a change made through the API is what they enforce.
   */
  void awaitGatewaysOnLatestConfig() {
    long latest = Http.get(controlPlaneUrl() + "/api/v1/config/snapshots/latest", adminToken()).expect(200).json()
        .getLong("version");
    for (String admin : gatewayAdminUrls()) {
      Await.until(java.time.Duration.ofSeconds(20), () -> configVersion(admin) >= latest,
          () -> admin + " runs control-plane config version " + configVersion(admin) + ", latest is " + latest);
    }
  }

  /**
   * What a gateway's usage write-ahead log writes on its event loops took so far (its
   * tollgate_usage_wal_write_seconds timer): {count, max ns, p99 ns}; -1 for what it does not export.
   */
  static long[] usageWalWrites(String adminUrl) {
    long[] figures = {-1, -1, -1};
    Http.Reply metrics = Http.get(adminUrl + "/metrics", null);
    for (String line : metrics.body().split("\n")) {
      String value = line.substring(line.lastIndexOf(' ') + 1).trim();
      if (line.startsWith("tollgate_usage_wal_write_seconds_count ")) {
        figures[0] = (long) Double.parseDouble(value);
      } else if (line.startsWith("tollgate_usage_wal_write_seconds_max ")) {
        figures[1] = (long) (Double.parseDouble(value) * 1e9);
      } else if (line.startsWith("tollgate_usage_wal_write_seconds{quantile=\"0.99\"} ")) {
        figures[2] = (long) (Double.parseDouble(value) * 1e9);
      }
    }
    return figures;
  }

  private static long configVersion(String adminUrl) {
    Http.Reply metrics = Http.get(adminUrl + "/metrics", null);
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("tollgate_config_sync_version ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return -1;
  }

  /**
   * SIGKILL to one of the platform's processes (sim-1, sim-2, control-plane, analytics, gateway-1,
   * gateway-2), found by the pid file platform.sh wrote and checked by its command line.
   *
   * @return the wall-clock millis just before the signal was sent
   */
  long kill9(String process) throws Exception {
    long pid = Long.parseLong(Files.readString(state.resolve("pids/" + process + ".pid")).trim());
    ProcessHandle handle = ProcessHandle.of(pid)
        .orElseThrow(() -> new AssertionError(process + " (pid " + pid + ") does not run"));
    Optional<String> line = handle.info().commandLine();
    if (line.isEmpty() || !line.get().contains("-Dtollgate.platform=" + state)) {
      throw new AssertionError("pid " + pid + " is not this platform's " + process + ": " + line.orElse("?"));
    }
    long sentAt = System.currentTimeMillis();
    handle.destroyForcibly();
    handle.onExit().get(10, TimeUnit.SECONDS);
    return sentAt;
  }

  @Override
  public void close() {
    try {
      Result down = script("down", "--purge");
      if (down.exit() != 0) {
        System.err.println("scripts/platform.sh down --purge failed: " + down.stderr());
      }
      deleteExchanges();
    } finally {
      rabbitRelay.close();
      if (mailbox != null) {
        try {
          mailbox.close();
        } catch (Exception e) {
          System.err.println("the mailbox did not close: " + e);
        }
      }
      vertx.close();
    }
  }

  /** The exchanges the platform's services declared (no data in them, but a name per run would pile up). */
  private void deleteExchanges() {
    com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
    try {
      // Host and port, not the URL: the Java client reads the URL's trailing "/" as the vhost "".
      factory.setHost(Services.RABBITMQ_HOST);
      factory.setPort(Services.RABBITMQ_PORT);
      try (com.rabbitmq.client.Connection connection = factory.newConnection();
           com.rabbitmq.client.Channel channel = connection.createChannel()) {
        channel.exchangeDelete("tollgate." + name + ".usage");
        channel.exchangeDelete("tollgate." + name + ".usage.dlx");
      }
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("could not delete the exchanges of platform " + name + ": " + e + " (" + cause + ")");
    }
  }
}
