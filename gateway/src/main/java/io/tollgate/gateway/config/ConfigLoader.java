package io.tollgate.gateway.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads gateway.yaml: process settings plus the first config snapshot (version 1). All or
 * nothing: any problem throws a {@link ConfigException} listing every problem found.
 * Blocking file I/O: call before Vert.x starts, or from a worker.
 */
public final class ConfigLoader {

  /** The embedded default, packaged from the repository's config/gateway.yaml. */
  public static final String DEFAULT_RESOURCE = "tollgate-config/gateway.yaml";

  private static final Set<String> SECTIONS = Set.of("server", "security", "usage", "tls", "redis", "rabbitmq", "tracing", "snapshot",
      "cors");

  private ConfigLoader() {
  }

  public static GatewayConfig load(Path yamlFile, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(yamlFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(yamlFile + ": cannot read: " + e);
    }
    return fromText(text, yamlFile.toString(), env);
  }

  public static GatewayConfig loadDefault(Map<String, String> env) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new ConfigException("classpath:" + DEFAULT_RESOURCE + ": missing from the build");
      }
      return fromText(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + DEFAULT_RESOURCE, env);
    } catch (IOException e) {
      throw new ConfigException("classpath:" + DEFAULT_RESOURCE + ": cannot read: " + e);
    }
  }

  /**
   * Parses a YAML (or JSON) document whose root is a mapping, with SnakeYAML's safe constructor
   * and limits (no duplicate keys, few aliases, bounded nesting and size). No env interpolation.
   *
   * @throws ConfigException with the line and column of the problem
   */
  public static JsonObject readYamlOrJson(String text) {
    return YamlDocuments.readObject(text);
  }

  static GatewayConfig fromText(String text, String source, Map<String, String> env) {
    JsonObject document;
    try {
      document = readYamlOrJson(text);
    } catch (ConfigException e) {
      throw new ConfigException(e.reasons().stream().map(reason -> source + ": " + reason).toList());
    }
    List<String> reasons = new ArrayList<>();
    EnvInterpolation.apply(document, env, reasons);
    document.fieldNames().stream().filter(name -> !SECTIONS.contains(name)).sorted()
        .forEach(name -> reasons.add(name + ": unknown section (known: "
            + String.join(", ", SECTIONS.stream().sorted().toList()) + ")"));

    GatewaySettings settings = SettingsReader.read(document, reasons);
    PlatformSettings platform = PlatformSettingsReader.read(document, reasons);
    TracingSettings tracing = PlatformSettingsReader.readTracing(document, reasons);
    Object snapshot = document.getValue("snapshot");
    if (snapshot == null) {
      reasons.add("snapshot: is required (backends, models and keys live there)");
    } else if (!(snapshot instanceof JsonObject)) {
      reasons.add("snapshot: must be a mapping, got " + SnapshotSchema.typeOf(snapshot));
    } else {
      SnapshotValidator.validate((JsonObject) snapshot).stream()
          .map(ConfigLoader::underSnapshot)
          .forEach(reasons::add);
    }
    if (!reasons.isEmpty()) {
      throw new ConfigException(reasons);
    }
    return new GatewayConfig(settings, platform, tracing, SnapshotParser.parse((JsonObject) snapshot, 1));
  }

  /** Validator reasons are relative to the snapshot; in a file they live under "snapshot". */
  private static String underSnapshot(String reason) {
    String root = JsonPath.display(JsonPath.ROOT);
    return reason.startsWith(root) ? "snapshot" + reason.substring(root.length()) : "snapshot." + reason;
  }
}
