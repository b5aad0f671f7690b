package io.tollgate.gateway.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.Http2Policy;
import io.tollgate.frontdoor.TlsSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private static final String MINIMAL_SNAPSHOT = """
      snapshot:
        backends: [{id: b1, url: "http://127.0.0.1:9000"}]
        models: [{name: m1, backends: [b1]}]
      """;

  private GatewayConfig loadText(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, env);
  }

  private List<String> reasonsOf(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env)).reasons();
  }

  @Test
  void embeddedDefaultLoadsWithDocumentedValues() {
    GatewayConfig config = ConfigLoader.loadDefault(Map.of());

    GatewaySettings settings = config.settings();
    assertEquals(GatewaySettings.defaults(), settings);
    assertEquals(8080, settings.port());
    assertEquals("127.0.0.1", settings.adminHost());
    assertEquals("", settings.adminToken());
    assertEquals("change-me", settings.keyPepper());
    assertEquals(Path.of("var/usage/usage.jsonl"), settings.usageSpoolPath());

    ConfigSnapshot snapshot = config.snapshot();
    assertEquals(1, snapshot.version());
    assertEquals(new BackendSpec("local-vllm", URI.create("http://127.0.0.1:8000")), snapshot.backends().get("local-vllm"));
    ModelRoute demo = snapshot.models().get("demo-llama");
    assertEquals(List.of("local-vllm"), demo.backendIds());
    assertEquals(ModelRoute.RouteTimeouts.DEFAULT, demo.timeouts());
    assertEquals(new ModelRoute.Prices(0.10, 0.40), demo.prices());
    assertEquals(new LimitSpec(600, 1_000_000, 64), snapshot.defaultLimits());
    assertEquals(256, snapshot.defaultMaxTokens());
    assertTrue(snapshot.keysByHash().isEmpty());
    assertEquals(PlatformSettings.STANDALONE, config.platform(), "no URLs set: standalone");
  }

  @Test
  void platformSectionsFromTheEnvironment() {
    GatewayConfig config = ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_REDIS_URL", "redis://127.0.0.1:6379",
        "TOLLGATE_REDIS_FAIL_POLICY", "closed",
        "TOLLGATE_REPLICAS", "3",
        "TOLLGATE_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"));
    RedisSettings redis = config.platform().redis();
    assertEquals("redis://127.0.0.1:6379", redis.url());
    assertEquals(50, redis.timeoutMs());
    assertEquals(RedisSettings.FailPolicy.CLOSED, redis.failPolicy());
    assertEquals(3, redis.replicas());
    RabbitSettings rabbit = config.platform().rabbitmq();
    assertEquals("amqp://guest:guest@127.0.0.1:5672/", rabbit.url());
    assertEquals("tollgate.usage", rabbit.exchange());
    assertEquals(256, rabbit.batchSize());
    assertEquals(Path.of("var/usage/spool"), rabbit.spoolDir());
  }

  @Test
  void frontDoorSettingsFromTheEnvironmentAndTheirBounds() throws Exception {
    GatewaySettings settings = ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "2000",
        "TOLLGATE_HTTP_BODY_TIMEOUT_MS", "0",
        "TOLLGATE_HTTP_IDLE_TIMEOUT_MS", "45000",
        "TOLLGATE_HTTP_MAX_CONNECTIONS", "500",
        "TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES", "4096",
        "TOLLGATE_HTTP_MAX_HEADER_BYTES", "32768")).settings();
    assertEquals(new FrontDoorSettings(2_000, 0, 45_000, 500, 4_096, 32_768), settings.frontDoor());
    assertEquals(FrontDoorSettings.defaults(), ConfigLoader.loadDefault(Map.of()).settings().frontDoor());

    List<String> reasons = reasonsOf("server: {headerTimeoutMs: -1, maxConnections: 0, maxRequestLineBytes: 10, "
        + "maxHeaderBytes: \"lots\"}\n" + MINIMAL_SNAPSHOT, Map.of());
    assertEquals(List.of(
        "server.headerTimeoutMs: must be between 0 and 86400000, got -1",
        "server.maxConnections: must be between 1 and 10000000, got 0",
        "server.maxRequestLineBytes: must be between 256 and 1048576, got 10",
        "server.maxHeaderBytes: must be an integer, got \"lots\""), reasons);
  }

  @Test
  void http2SettingsFromTheEnvironmentAndTheirBounds() throws Exception {
    assertEquals(Http2Policy.defaults(), ConfigLoader.loadDefault(Map.of()).settings().http2());
    GatewaySettings settings = ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_HTTP2", "false",
        "TOLLGATE_HTTP2_CLEAR_TEXT", "true",
        "TOLLGATE_HTTP2_MAX_CONCURRENT_STREAMS", "32",
        "TOLLGATE_HTTP2_MAX_RESETS_PER_WINDOW", "50",
        "TOLLGATE_HTTP2_RESET_WINDOW_SECONDS", "10")).settings();
    assertEquals(new Http2Policy(false, true, 32, 50, 10), settings.http2());

    List<String> reasons = reasonsOf("server: {http2: \"yes\", http2MaxConcurrentStreams: 0}\n" + MINIMAL_SNAPSHOT,
        Map.of());
    assertEquals(List.of(
        "server.http2: must be true or false, got \"yes\"",
        "server.http2MaxConcurrentStreams: must be between 1 and 10000, got 0"), reasons);
  }

  @Test
  void badPlatformSettingsAreReported() throws Exception {
    List<String> reasons = reasonsOf("""
        redis: {url: "http://nope", failPolicy: sideways, timeoutMs: 0, colour: red}
        rabbitmq: {url: "amqp://x", batchSize: -1}
        """ + MINIMAL_SNAPSHOT, Map.of());
    assertTrue(reasons.contains("redis.url: must start with redis:// or rediss://, got \"http://nope\""), reasons.toString());
    assertTrue(reasons.contains("redis.failPolicy: must be open or closed, got \"sideways\""), reasons.toString());
    assertTrue(reasons.contains("redis.timeoutMs: must be between 1 and 60000, got 0"), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("redis.colour: unknown option")), reasons.toString());
    assertTrue(reasons.contains("rabbitmq.batchSize: must be between 1 and 65536, got -1"), reasons.toString());
  }

  @Test
  void tlsSettingsFromTheEnvironmentAndTheirContradictions() throws Exception {
    assertEquals(GatewayTls.off(), ConfigLoader.loadDefault(Map.of()).settings().tls());
    GatewayTls tls = ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_TLS_CERT_FILE", "/tls/tls.crt",
        "TOLLGATE_TLS_KEY_FILE", "/tls/tls.key",
        "TOLLGATE_TLS_RELOAD_INTERVAL_MS", "5000",
        "TOLLGATE_ADMIN_TLS_CLIENT_CA_FILE", "/tls/operators.crt",
        "TOLLGATE_BACKEND_CA_FILE", "/tls/ca.crt")).settings().tls();
    assertEquals(new TlsSettings("/tls/tls.crt", "/tls/tls.key", "", false, 5_000), tls.dataPlane());
    assertEquals(new TlsSettings("/tls/tls.crt", "/tls/tls.key", "/tls/operators.crt", false, 5_000), tls.admin(),
        "the admin port takes the data plane's certificate unless it has its own");
    assertEquals("/tls/ca.crt", tls.backendCaFile());

    assertEquals(List.of("tls: a TLS certificate file and key file go together: set both or neither"),
        reasonsOf("tls: {certFile: /a.crt}\n" + MINIMAL_SNAPSHOT, Map.of()));
    assertEquals(List.of("tls: TLS is required but no certificate and key files are set"),
        reasonsOf("tls: {required: true}\n" + MINIMAL_SNAPSHOT, Map.of()));
    assertEquals(List.of("tls.admin*: client certificates (a client CA file) need TLS: set a certificate and key"),
        reasonsOf("tls: {adminClientCaFile: /ops.crt}\n" + MINIMAL_SNAPSHOT, Map.of()));
  }

  @Test
  void embeddedDefaultSnapshotPassesTheValidator() throws Exception {
    try (var in = getClass().getClassLoader().getResourceAsStream(ConfigLoader.DEFAULT_RESOURCE)) {
      JsonObject document = ConfigLoader.readYamlOrJson(new String(in.readAllBytes()));
      assertEquals(List.of(), SnapshotValidator.validate(document.getJsonObject("snapshot")));
    }
  }

  @Test
  void environmentFillsTheDefaultFile() {
    GatewayConfig config = ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_PORT", "9090",
        "TOLLGATE_ADMIN_PORT", "0",
        "TOLLGATE_ADMIN_TOKEN", "s3cret-admin",
        "TOLLGATE_KEY_PEPPER", "pepper",
        "TOLLGATE_USAGE_SPOOL", "/tmp/u.jsonl",
        "TOLLGATE_EVENT_LOOPS", "3"));

    GatewaySettings settings = config.settings();
    assertEquals(9090, settings.port());
    assertEquals(0, settings.adminPort());
    assertEquals("s3cret-admin", settings.adminToken());
    assertEquals("pepper", settings.keyPepper());
    assertEquals(Path.of("/tmp/u.jsonl"), settings.usageSpoolPath());
    assertEquals(3, settings.eventLoops());
  }

  @Test
  void interpolationRules() throws Exception {
    GatewayConfig config = loadText("""
        security:
          keyPepper: "pre-${PEPPER}-post"
          adminToken: ${EMPTY:-fallback}
        snapshot:
          backends: [{id: b1, url: "${VLLM_URL:-http://localhost:1}"}]
          models: [{name: m1, backends: [b1]}]
        """, Map.of("PEPPER", "p", "EMPTY", "", "VLLM_URL", "https://vllm.internal:8443"));

    assertEquals("pre-p-post", config.settings().keyPepper());
    assertEquals("fallback", config.settings().adminToken()); // set but empty → default, as in sh
    assertEquals(URI.create("https://vllm.internal:8443"), config.snapshot().backends().get("b1").url());
  }

  @Test
  void unsetVariableWithoutDefaultIsRefused() throws Exception {
    List<String> reasons = reasonsOf("security:\n  keyPepper: ${NOPE}\n" + MINIMAL_SNAPSHOT, Map.of());
    assertEquals(List.of("security.keyPepper: environment variable NOPE is not set "
        + "(write ${NOPE:-default} to give a default)"), reasons);
  }

  @Test
  void settingsAbsentTakeDefaults() throws Exception {
    GatewayConfig config = loadText(MINIMAL_SNAPSHOT, Map.of());
    assertEquals(GatewaySettings.defaults(), config.settings());
    assertEquals(1, config.snapshot().version());
  }

  @Test
  void missingRequiredFieldsAreAllReported() throws Exception {
    List<String> reasons = reasonsOf("""
        snapshot:
          backends: [{url: "http://127.0.0.1:9000"}]
          models: [{name: m1}]
          keys: [{id: k1}]
        """, Map.of());

    assertEquals(List.of(
        "snapshot.backends[0].id: is required",
        "snapshot.models[0].backends: is required",
        "snapshot.keys[0].hash: is required",
        "snapshot.keys[0].org: is required",
        "snapshot.keys[0].models: is required"), reasons);
  }

  @Test
  void missingSnapshotIsReported() throws Exception {
    assertEquals(List.of("snapshot: is required (backends, models and keys live there)"),
        reasonsOf("server: {port: 1}\n", Map.of()));
  }

  @Test
  void badSettingsAndSnapshotAreReportedTogether() throws Exception {
    List<String> reasons = reasonsOf("""
        server: {port: "abc", adminPort: 70000, prot: 1}
        security: {keyPepper: ""}
        extra: {}
        snapshot:
          backends: [{id: b1, url: "http://127.0.0.1:9000"}]
          models: [{name: m1, backends: [b2]}]
        """, Map.of());

    assertEquals(List.of(
        "extra: unknown section (known: cors, rabbitmq, redis, security, server, snapshot, tls, tracing, usage)",
        "server.prot: unknown option (known: adminHost, adminPort, bodyTimeoutMs, drainDelayMs, eventLoops, headerTimeoutMs, host, "
            + "http2, http2ClearText, http2MaxConcurrentStreams, http2MaxResetsPerWindow, http2ResetWindowSeconds, "
            + "idleTimeoutMs, keepAliveIntervalMs, maxBodyBytes, maxConnections, maxHeaderBytes, maxRequestLineBytes, "
            + "port, requestDecompression, shutdownGraceMs)",
        "security.keyPepper: must not be empty (set TOLLGATE_KEY_PEPPER)",
        "server.port: must be an integer, got \"abc\"",
        "server.adminPort: must be between 0 and 65535, got 70000",
        "snapshot.models[0].backends[0]: unknown backend \"b2\""), reasons);
  }

  @Test
  void invalidYamlNamesTheLine() throws Exception {
    List<String> reasons = reasonsOf("server:\n  port: [1\nsnapshot: {}\n", Map.of());
    assertEquals(1, reasons.size());
    assertTrue(reasons.get(0).contains("gateway.yaml: not valid YAML: line 3"), reasons::toString);
  }

  @Test
  void duplicateKeysAreRefused() throws Exception {
    List<String> reasons = reasonsOf("server: {port: 1}\nserver: {port: 2}\n" + MINIMAL_SNAPSHOT, Map.of());
    assertTrue(reasons.get(0).contains("duplicate key server"), reasons::toString);
  }

  @Test
  void missingFileIsReported() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(dir.resolve("absent.yaml"), Map.of()));
    assertTrue(e.reasons().get(0).contains("cannot read"), e.reasons()::toString);
  }

  @Test
  void readYamlOrJsonReadsBoth() {
    JsonObject fromJson = ConfigLoader.readYamlOrJson("{\"a\": [1, 2.5, \"x\", null, true]}");
    JsonObject fromYaml = ConfigLoader.readYamlOrJson("a:\n  - 1\n  - 2.5\n  - x\n  - null\n  - true\n");
    JsonObject expected = new JsonObject().put("a", new JsonArray().add(1).add(2.5).add("x").addNull().add(true));
    assertEquals(expected, fromJson);
    assertEquals(expected, fromYaml);
  }

  @Test
  void readYamlOrJsonRefusesNonMappingsAndUnsafeTags() {
    assertThrows(ConfigException.class, () -> ConfigLoader.readYamlOrJson("[1, 2]"));
    assertThrows(ConfigException.class, () -> ConfigLoader.readYamlOrJson(""));
    assertThrows(ConfigException.class,
        () -> ConfigLoader.readYamlOrJson("a: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]"));
  }

  @Test
  void readYamlOrJsonRefusesAliasBombs() {
    StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      bomb.append("]\n");
    }
    assertThrows(ConfigException.class, () -> ConfigLoader.readYamlOrJson(bomb.toString()));
  }
}
