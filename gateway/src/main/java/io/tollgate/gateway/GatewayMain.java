package io.tollgate.gateway;

import io.tollgate.gateway.auth.ApiKeyMinter;
import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.config.ConfigException;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.ConfigLoader;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.GatewayConfig;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.SharedEnvironment;
import io.tollgate.gateway.config.sync.PlatformMarker;
import io.tollgate.gateway.config.sync.ConfigSync;
import io.tollgate.gateway.config.sync.ConfigSyncSettings;
import io.tollgate.gateway.demo.DemoMode;
import io.tollgate.frontdoor.PortCheck;
import io.tollgate.logging.Logging;
import io.tollgate.gateway.usage.RabbitUsageSink;
import io.tollgate.gateway.trace.Tracing;
import io.tollgate.gateway.usage.SpoolUsageSink;
import io.tollgate.gateway.usage.UsageSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code java -jar tollgate-gateway.jar [--demo] [--config FILE]} and its admin subcommands. */
@Command(name = "tollgate-gateway", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
    description = "Tollgate: a reactive LLM inference gateway in front of vLLM.",
    subcommands = {GatewayMain.MintKey.class})
public final class GatewayMain implements Callable<Integer> {

  static final String DEFAULT_PEPPER = "change-me";

  @Option(names = {"-c", "--config"}, description = "Gateway YAML file (default: the embedded config/gateway.yaml).")
  Path configFile;

  @Option(names = "--demo", description = "Start two in-process vLLM simulators and a demo key; print a curl that streams.")
  boolean demo;

  @Option(names = "--port", description = "Data-plane port (overrides the config).")
  Integer port;

  @Option(names = "--admin-port", description = "Admin port (overrides the config).")
  Integer adminPort;

  public static void main(String[] args) {
    // Before any Netty class loads, which reads it once: the pooled buffer allocator (NettyBuffers says why).
    NettyBuffers.choose(System.getProperties());
    // Before anything logs: the access log of the requests answered while draining must not be
    // cut off by the JDK's own logging shutdown (issue 21).
    Logging.installDrainAwareManager();
    int exit = new CommandLine(new GatewayMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Option(names = "--log-format", description = "json (default) or text; env TOLLGATE_LOG_FORMAT. --demo defaults to text.")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    // Vert.x, Netty and the gateway all log through java.util.logging, asynchronously.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    String format = Logging.format(logFormat, demo ? "text" : "json");
    Logging.configure(format);
    try {
      Logging.levels(System.getenv(Logging.LEVELS_ENV));
    } catch (IllegalArgumentException e) {
      System.err.println("tollgate: " + e.getMessage());
      return 2;
    }
    GatewayConfig config;
    try {
      config = loadConfig(configFile);
    } catch (ConfigException e) {
      System.err.println("tollgate: the configuration is invalid:");
      e.reasons().forEach(reason -> System.err.println("  - " + reason));
      return 2;
    }
    GatewaySettings settings = config.settings().withPorts(
        port != null ? port : config.settings().port(),
        adminPort != null ? adminPort : config.settings().adminPort());
    boolean generatedToken = settings.adminToken() == null || settings.adminToken().isBlank();
    if (generatedToken) {
      settings = settings.withAdminToken(randomToken());
    }
    if (DEFAULT_PEPPER.equals(settings.keyPepper()) && !demo) {
      System.err.println("tollgate: WARNING: keyPepper is the default; set TOLLGATE_KEY_PEPPER in production.");
    }
    try {
      // Before anything connects or spools: a port taken by another process is named with its setting.
      PortCheck.requireFree(settings.host(), settings.port(), "TOLLGATE_PORT, server.port or --port");
      PortCheck.requireFree(settings.adminHost(), settings.adminPort(),
          "TOLLGATE_ADMIN_PORT, server.adminPort or --admin-port");
    } catch (IllegalStateException e) {
      System.err.println("tollgate: cannot start: " + e.getMessage());
      return 2;
    }

    ConfigSyncSettings syncSettings;
    try {
      syncSettings = ConfigSyncSettings.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("tollgate: cannot start: " + e.getMessage());
      return 2;
    }

    // Netty's native epoll where it loads (Linux x86-64: bundled), else Java NIO; io_uring or another
    // when TOLLGATE_TRANSPORT names it. The log line of the start says which.
    Vertx vertx;
    try {
      NetworkTransport transport = NetworkTransport.fromEnv(System.getenv());
      vertx = transport.create(new VertxOptions());
    } catch (IllegalArgumentException e) {
      System.err.println("tollgate: cannot start: " + e.getMessage());
      return 2;
    }
    if (config.platform().redis() != null && !demo) {
      // A prefix or pepper the control plane does not use would start cleanly and then refuse every key.
      try {
        PlatformMarker.check(vertx, config.platform().redis(), settings.keyPepper(), syncSettings)
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        System.err.println("tollgate: cannot start: " + rootMessage(e));
        vertx.close();
        return 2;
      } catch (TimeoutException e) {
        // Each call inside has its own timeout; this is a backstop, and a slow check is no reason to refuse.
        System.err.println("tollgate: WARNING: the check of TOLLGATE_REDIS_PREFIX and TOLLGATE_KEY_PEPPER against"
            + " the control plane's did not finish; starting without it");
      }
    }
    // Platform mode (rabbitmq.url set): usage to RabbitMQ with confirms; else the local JSON-lines spool.
    UsageSink usage = config.platform().rabbitmq() != null
        ? RabbitUsageSink.start(vertx, config.platform().rabbitmq()).toCompletionStage().toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
        : new SpoolUsageSink(settings.usageSpoolPath());
    KeyHasher hasher = new KeyHasher(settings.keyPepper());
    GatewaySettings finalSettings = settings;
    Future<DemoMode.Demo> demoStarted = demo
        ? DemoMode.start(vertx, hasher, config.snapshot())
        : Future.succeededFuture(null);
    Gateway gateway;
    DemoMode.Demo demoSetup;
    ConfigSync sync;
    try {
      demoSetup = demoStarted.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      ConfigSnapshot snapshot = demoSetup != null ? demoSetup.snapshot() : config.snapshot();
      ConfigHolder holder = new ConfigHolder(snapshot);
      // Platform mode with a control plane: follow its config versions (docs/control-plane.md). The
      // first fetch happens before the gateway listens, so it never serves the file's config first.
      sync = syncSettings == null ? null : ConfigSync.start(vertx, syncSettings, config.platform().redis(), holder)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      gateway = Gateway.start(vertx, finalSettings, config.platform(), holder, usage,
              Tracing.fromSettings(config.tracing()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (sync != null) {
        gateway.services().metrics().bindConfigSync(sync);
        Gateway started = gateway;
        sync.reportAs(instanceName(System.getenv(), started.port()),
            () -> started.services().backends().status(started.config().current()).getJsonArray("backends"));
      }
    } catch (Exception e) {
      System.err.println("tollgate: failed to start: " + rootMessage(e));
      vertx.close();
      return 1;
    }
    printBanner(gateway, finalSettings, config.platform(), generatedToken, demoSetup);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("tollgate: draining: not ready, still serving for " + finalSettings.drainDelayMs()
          + " ms, then in-flight requests get up to " + finalSettings.shutdownGraceMs() + " ms…");
      try {
        (sync == null ? Future.<Void>succeededFuture() : sync.close())
            .eventually(() -> gateway.shutdown(finalSettings.drainDelayMs(), finalSettings.shutdownGraceMs()))
            .eventually(usage::close)
            .toCompletionStage().toCompletableFuture()
            .get(finalSettings.drainDelayMs() + finalSettings.shutdownGraceMs() + 10_000, TimeUnit.MILLISECONDS);
        // Awaited on its own: a continuation chained after vertx.close() has no event loop to run on.
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("tollgate: shutdown incomplete: " + rootMessage(e));
      }
      // Every access-log line of the drain written, then logging ends (the JDK's hook left it on).
      Logging.shutdown();
      stopped.countDown();
    }, "tollgate-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * This instance's name in the control plane's list of gateways: TOLLGATE_INSTANCE, else the host's
   * name (the pod's, in Kubernetes) and the data-plane port, which tells apart gateways on one host.
   */
  static String instanceName(java.util.Map<String, String> env, int port) {
    String named = env.getOrDefault("TOLLGATE_INSTANCE", "").trim();
    if (!named.isEmpty()) {
      return named;
    }
    String host = env.getOrDefault("HOSTNAME", "").trim();
    if (host.isEmpty()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "gateway";
      }
    }
    return host.replaceAll("[^A-Za-z0-9._-]", "-") + ":" + port;
  }

  private void printBanner(Gateway gateway, GatewaySettings settings, PlatformSettings platform, boolean generatedToken,
                           DemoMode.Demo demoSetup) {
    String base = "http://localhost:" + gateway.port();
    System.out.println();
    System.out.println("Tollgate gateway ready on " + base + " (admin on port " + gateway.adminPort() + ")");
    if (generatedToken) {
      System.out.println("Admin token (generated for this run): " + settings.adminToken());
    }
    System.out.println("Limits and keys: " + (platform.redis() != null
        ? "Redis " + redactedUrl(platform.redis().url()) + " (fail " + platform.redis().failPolicy().name().toLowerCase() + ")"
        : "in-process (standalone)"));
    System.out.println("Usage events: " + (platform.rabbitmq() != null
        ? "RabbitMQ " + redactedUrl(platform.rabbitmq().url()) + ", exchange " + platform.rabbitmq().exchange()
        : settings.usageSpoolPath().toAbsolutePath().toString()));
    if (demoSetup != null) {
      System.out.println();
      System.out.println("Demo: models '" + DemoMode.MODEL + "' (chat, completions, Responses, Anthropic Messages), '"
          + DemoMode.POOLING_MODEL + "' (embeddings, rerank, score) and '" + DemoMode.TRANSCRIPTION_MODEL
          + "' (speech to text) on " + demoSetup.simulators().size() + " simulated vLLM servers.");
      System.out.println("Demo API key (shown once): " + demoSetup.apiKey());
      System.out.println();
      System.out.println("Stream a completion:");
      System.out.println("  curl -N " + base + "/v1/chat/completions \\");
      System.out.println("    -H 'Authorization: Bearer " + demoSetup.apiKey() + "' \\");
      System.out.println("    -H 'Content-Type: application/json' \\");
      System.out.println("    -d '{\"model\":\"" + DemoMode.MODEL + "\",\"stream\":true,\"max_tokens\":32,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about toll gates\"}]}'");
      System.out.println();
      System.out.println("The same key as an Anthropic client sends it, and a rerank:");
      System.out.println("  curl " + base + "/v1/messages -H 'x-api-key: " + demoSetup.apiKey() + "' \\");
      System.out.println("    -H 'anthropic-version: 2023-06-01' -H 'Content-Type: application/json' \\");
      System.out.println("    -d '{\"model\":\"" + DemoMode.MODEL + "\",\"max_tokens\":32,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}'");
      System.out.println("  curl " + base + "/v1/rerank -H 'Authorization: Bearer " + demoSetup.apiKey() + "' \\");
      System.out.println("    -H 'Content-Type: application/json' \\");
      System.out.println("    -d '{\"model\":\"" + DemoMode.POOLING_MODEL
          + "\",\"query\":\"toll\",\"documents\":[\"a toll gate\",\"a garden gate\"]}'");
      System.out.println();
      System.out.println("Config: curl -H 'Authorization: Bearer " + settings.adminToken() + "' http://localhost:"
          + gateway.adminPort() + "/admin/config");
    }
    System.out.println("Press Ctrl-C to stop.");
    System.out.flush();
  }

  /** A URL without its password, for printing. */
  private static String redactedUrl(String url) {
    return url.replaceFirst("://([^:/@]+):[^@]*@", "://$1:***@");
  }

  /** The config with the shared environment names resolved (deprecated names warned about on stderr). */
  static GatewayConfig loadConfig(Path file) {
    SharedEnvironment.Resolved env = SharedEnvironment.resolve(System.getenv());
    env.warnings().forEach(warning -> System.err.println("tollgate: WARNING: " + warning));
    if (!env.problems().isEmpty()) {
      throw new ConfigException(env.problems());
    }
    return file != null ? ConfigLoader.load(file, env.env()) : ConfigLoader.loadDefault(env.env());
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return "tga-" + HexFormat.of().formatHex(bytes);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  /** Mints an API key: prints the secret once, and the line to add to the config. */
  @Command(name = "mint-key", mixinStandardHelpOptions = true,
      description = "Create an API key. The secret is printed once; only its keyed hash goes in the config.")
  static final class MintKey implements Callable<Integer> {

    @Option(names = "--id", required = true, description = "Key id (shown in logs and usage), e.g. ci-bot.")
    String id;

    @Option(names = "--org", required = true, description = "Owning organisation.")
    String org;

    @Option(names = "--models", split = ",", defaultValue = "*", description = "Allowed models (default: all).")
    List<String> models;

    @Option(names = {"-c", "--config"}, description = "Gateway YAML file whose keyPepper to use (default: the embedded one).")
    Path configFile;

    @Override
    public Integer call() {
      GatewaySettings settings = loadConfig(configFile).settings();
      String secret = new ApiKeyMinter().newSecret();
      String hash = new KeyHasher(settings.keyPepper()).hash(secret);
      System.out.println("API key (shown once; store it now): " + secret);
      System.out.println();
      System.out.println("Add this line under snapshot.keys in your gateway config, then reload it:");
      System.out.println("  - {id: " + id + ", hash: \"" + hash + "\", org: " + org + ", models: ["
          + String.join(", ", models.stream().map(m -> "\"" + m + "\"").toList()) + "]}");
      if (DEFAULT_PEPPER.equals(settings.keyPepper())) {
        System.err.println("WARNING: hashed with the default pepper; set TOLLGATE_KEY_PEPPER for real keys.");
      }
      return 0;
    }
  }
}
