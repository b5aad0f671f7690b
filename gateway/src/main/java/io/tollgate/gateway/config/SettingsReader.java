package io.tollgate.gateway.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.Http2Policy;
import io.tollgate.frontdoor.TlsSettings;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the process settings (the {@code server}, {@code security} and {@code usage} sections).
 * An absent option takes its default; a wrong one adds a reason. Numbers may also be written as
 * strings, because {@code ${VAR:-8080}} interpolation yields strings.
 */
final class SettingsReader {

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Set<String> SERVER_OPTIONS = Stream.concat(Stream.of("host", "port", "adminHost", "adminPort",
      "maxBodyBytes", "keepAliveIntervalMs", "shutdownGraceMs", "drainDelayMs", "eventLoops", "requestDecompression"),
      Stream.concat(FrontDoorSettings.OPTIONS.stream(), Stream.concat(Http2Policy.FLAGS.stream(),
          Http2Policy.NUMBERS.stream())))
      .collect(Collectors.toUnmodifiableSet());
  private static final Set<String> SECURITY_OPTIONS = Set.of("adminToken", "keyPepper", "upstreamApiKey");
  private static final Set<String> USAGE_OPTIONS = Set.of("spoolPath");
  private static final Set<String> TLS_OPTIONS = Set.of("certFile", "keyFile", "required", "reloadIntervalMs",
      "adminCertFile", "adminKeyFile", "adminClientCaFile", "adminRequired", "backendCaFile");
  private static final Set<String> CORS_OPTIONS = Set.of("allowedOrigins", "allowedMethods", "allowedHeaders",
      "exposedHeaders", "maxAgeSeconds");

  private final List<String> reasons;
  private final Fields fields;

  private SettingsReader(List<String> reasons) {
    this.reasons = reasons;
    this.fields = new Fields(reasons);
  }

  static GatewaySettings read(JsonObject document, List<String> reasons) {
    return new SettingsReader(reasons).read(document);
  }

  private GatewaySettings read(JsonObject document) {
    GatewaySettings defaults = GatewaySettings.defaults();
    JsonObject server = fields.section(document, "server", SERVER_OPTIONS);
    JsonObject security = fields.section(document, "security", SECURITY_OPTIONS);
    JsonObject usage = fields.section(document, "usage", USAGE_OPTIONS);
    JsonObject cors = fields.section(document, "cors", CORS_OPTIONS);
    JsonObject tls = fields.section(document, "tls", TLS_OPTIONS);

    String keyPepper = fields.text(security, "security", "keyPepper", defaults.keyPepper());
    // The default pepper is allowed (standalone first run); start-up warns about it, not here.
    if (keyPepper.isEmpty()) {
      reasons.add("security.keyPepper: must not be empty (set TOLLGATE_KEY_PEPPER)");
    }
    String spool = fields.text(usage, "usage", "spoolPath", defaults.usageSpoolPath().toString());
    if (spool.isBlank()) {
      reasons.add("usage.spoolPath: must not be empty");
    }
    return new GatewaySettings(
        host(server, "host", defaults.host()),
        (int) fields.number(server, "server", "port", defaults.port(), 0, 65_535),
        host(server, "adminHost", defaults.adminHost()),
        (int) fields.number(server, "server", "adminPort", defaults.adminPort(), 0, 65_535),
        fields.text(security, "security", "adminToken", defaults.adminToken()),
        keyPepper,
        fields.number(server, "server", "maxBodyBytes", defaults.maxBodyBytes(), 1, Integer.MAX_VALUE),
        fields.number(server, "server", "keepAliveIntervalMs", defaults.keepAliveIntervalMs(), 1, Long.MAX_VALUE),
        fields.number(server, "server", "shutdownGraceMs", defaults.shutdownGraceMs(), 0, Long.MAX_VALUE),
        Path.of(spool.isBlank() ? defaults.usageSpoolPath().toString() : spool),
        (int) fields.number(server, "server", "eventLoops", defaults.eventLoops(), 0, 1024),
        frontDoor(server),
        fields.number(server, "server", "drainDelayMs", defaults.drainDelayMs(), 0, 600_000),
        fields.flag(server, "server", "requestDecompression", defaults.decompressRequests()),
        cors(cors),
        fields.text(security, "security", "upstreamApiKey", defaults.upstreamApiKey()).trim(),
        tls(tls),
        http2(server));
  }

  private Http2Policy http2(JsonObject server) {
    try {
      return Http2Policy.read((option, fallback) -> fields.flag(server, "server", option, fallback),
          (option, fallback, min, max) -> fields.number(server, "server", option, fallback, min, max));
    } catch (IllegalArgumentException e) {
      reasons.add("server.http2*: " + e.getMessage());
      return Http2Policy.defaults();
    }
  }

  private GatewayTls tls(JsonObject tls) {
    long reload = fields.number(tls, "tls", "reloadIntervalMs", TlsSettings.DEFAULT_RELOAD_INTERVAL_MS, 0, 86_400_000);
    TlsSettings dataPlane = port(() -> new TlsSettings(fields.text(tls, "tls", "certFile", ""),
        fields.text(tls, "tls", "keyFile", ""), "", fields.flag(tls, "tls", "required", false), reload), "tls");
    TlsSettings admin = port(() -> new TlsSettings(fields.text(tls, "tls", "adminCertFile", ""),
        fields.text(tls, "tls", "adminKeyFile", ""), "", false, reload), "tls.admin*")
        .orElse(dataPlane);
    TlsSettings adminWithClients = port(() -> new TlsSettings(admin.certFile(), admin.keyFile(),
        fields.text(tls, "tls", "adminClientCaFile", ""), admin.required() || fields.flag(tls, "tls", "adminRequired", false),
        reload), "tls.admin*");
    return new GatewayTls(dataPlane, adminWithClients, fields.text(tls, "tls", "backendCaFile", ""));
  }

  /** One port's TLS settings, or off with the reason added when they contradict each other. */
  private TlsSettings port(java.util.function.Supplier<TlsSettings> read, String where) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      reasons.add(where + ": " + e.getMessage());
      return TlsSettings.off();
    }
  }

  private CorsSettings cors(JsonObject cors) {
    CorsSettings off = CorsSettings.off();
    return new CorsSettings(
        fields.strings(cors, "cors", "allowedOrigins", off.allowedOrigins()),
        fields.strings(cors, "cors", "allowedMethods", off.allowedMethods()),
        fields.strings(cors, "cors", "allowedHeaders", off.allowedHeaders()),
        fields.strings(cors, "cors", "exposedHeaders", off.exposedHeaders()),
        fields.number(cors, "cors", "maxAgeSeconds", off.maxAgeSeconds(), 0, 86_400));
  }

  private FrontDoorSettings frontDoor(JsonObject server) {
    return FrontDoorSettings.read((option, fallback, min, max) -> fields.number(server, "server", option, fallback, min, max));
  }

  private String host(JsonObject server, String option, String fallback) {
    String host = fields.text(server, "server", option, fallback);
    if (host.isBlank()) {
      reasons.add("server." + option + ": must not be empty");
      return fallback;
    }
    return host;
  }

  /** Typed reads of one settings section, each fault added to the reasons. */
  static final class Fields {

    private final List<String> reasons;

    Fields(List<String> reasons) {
      this.reasons = reasons;
    }

    List<String> reasons() {
      return reasons;
    }

    JsonObject section(JsonObject document, String name, Set<String> options) {
      Object value = document.getValue(name);
      if (value == null) {
        return new JsonObject();
      }
      if (!(value instanceof JsonObject section)) {
        reasons.add(name + ": must be a mapping, got " + SnapshotSchema.typeOf(value));
        return new JsonObject();
      }
      section.fieldNames().stream().filter(option -> !options.contains(option)).sorted()
          .forEach(option -> reasons.add(name + "." + option + ": unknown option (known: "
              + String.join(", ", options.stream().sorted().toList()) + ")"));
      return section;
    }

    String text(JsonObject section, String sectionName, String option, String fallback) {
      Object value = section.getValue(option);
      if (value == null) {
        return fallback;
      }
      if (value instanceof String || value instanceof Number) {
        return String.valueOf(value); // a numeric token or pepper is still text
      }
      reasons.add(sectionName + "." + option + ": must be a string, got " + SnapshotSchema.typeOf(value));
      return fallback;
    }

    boolean flag(JsonObject section, String sectionName, String option, boolean fallback) {
      Object value = section.getValue(option);
      if (value == null || (value instanceof String s && s.isBlank())) {
        return fallback;
      }
      if (value instanceof Boolean b) {
        return b;
      }
      if (value instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
        return Boolean.parseBoolean(s.trim());
      }
      reasons.add(sectionName + "." + option + ": must be true or false, got " + SnapshotSchema.show(value));
      return fallback;
    }

    /** A list of strings; a single string counts as a comma-separated list (as environment variables give it). */
    List<String> strings(JsonObject section, String sectionName, String option, List<String> fallback) {
      Object value = section.getValue(option);
      if (value == null) {
        return fallback;
      }
      if (value instanceof String s) {
        return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
      }
      if (value instanceof io.vertx.core.json.JsonArray array
          && array.stream().allMatch(item -> item instanceof String)) {
        return array.stream().map(item -> ((String) item).trim()).toList();
      }
      reasons.add(sectionName + "." + option + ": must be a list of strings, got " + SnapshotSchema.show(value));
      return fallback;
    }

    long number(JsonObject section, String sectionName, String option, long fallback, long min, long max) {
      String path = sectionName + "." + option;
      Object value = section.getValue(option);
      if (value == null) {
        return fallback;
      }
      long number;
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        number = n.longValue();
      } else if (value instanceof String s && s.isBlank()) {
        return fallback; // ${VAR:-} left empty: the default applies
      } else if (value instanceof String s && INTEGER.matcher(s.trim()).matches() && s.trim().length() < 19) {
        number = Long.parseLong(s.trim());
      } else {
        reasons.add(path + ": must be an integer, got " + SnapshotSchema.show(value));
        return fallback;
      }
      if (number < min || number > max) {
        reasons.add(path + ": must be between " + min + " and " + max + ", got " + number);
        return fallback;
      }
      return number;
    }
  }
}
