package io.tollgate.gateway.admin;

import io.tollgate.gateway.config.ConfigException;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code GET /admin/config} shows the live snapshot; {@code POST /admin/config} replaces it. */
final class ConfigEndpoint {

  private static final Logger LOG = Logger.getLogger(ConfigEndpoint.class.getName());
  private static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml");

  private final Vertx vertx;
  private final ConfigHolder holder;
  private volatile java.util.function.Supplier<JsonObject> runtimeStatus;

  ConfigEndpoint(Vertx vertx, ConfigHolder holder) {
    this.vertx = vertx;
    this.holder = holder;
  }

  void runtimeStatus(java.util.function.Supplier<JsonObject> status) {
    this.runtimeStatus = status;
  }

  void get(RoutingContext ctx) {
    ConfigHolder.LiveConfig live = holder.live(); // version and document from the same snapshot
    JsonObject body = new JsonObject().put("version", live.version()).put("config", live.raw());
    java.util.function.Supplier<JsonObject> status = runtimeStatus;
    if (status != null) {
      body.put("runtime", status.get());
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  void post(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    boolean yaml = YAML_TYPES.contains(mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)));
    // Decoding, schema validation and parsing of up to 10 MiB is CPU work: keep it off the event
    // loop. Unordered: each request runs on its own duplicated context, so "ordered" would not
    // order two POSTs anyway; the holder's compare-and-set keeps versions unique.
    vertx.executeBlocking(() -> holder.apply(decode(body, yaml)), false)
        .onSuccess(result -> {
          if (result.applied()) {
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("version", result.version()).put("changes", result.changes()).encode());
          } else {
            int count = result.errors().size();
            String message = "config refused: " + count + (count == 1 ? " problem" : " problems")
                + "; version " + result.version() + " keeps serving";
            AdminErrors.send(ctx, 422, AdminErrors.body(message, AdminErrors.INVALID_REQUEST, "invalid_config",
                result.errors()));
          }
        })
        .onFailure(failure -> {
          if (failure instanceof UnreadableBody unreadable) {
            AdminErrors.send(ctx, 400, unreadable.getMessage(), AdminErrors.INVALID_REQUEST, "invalid_json");
          } else {
            LOG.log(Level.SEVERE, "config apply failed", failure);
            AdminErrors.send(ctx, 500, "config apply failed: " + failure, AdminErrors.SERVER_ERROR, "internal_error");
          }
        });
  }

  private static JsonObject decode(Buffer body, boolean yaml) {
    if (body == null || body.length() == 0) {
      throw new UnreadableBody("the request body is empty: send the snapshot object as JSON or YAML");
    }
    if (yaml) {
      try {
        return ConfigLoader.readYamlOrJson(body.toString());
      } catch (ConfigException e) {
        throw new UnreadableBody("the body is not a YAML mapping: " + String.join("; ", e.reasons()));
      }
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new UnreadableBody("the body is not valid JSON: " + io.tollgate.frontdoor.JsonSyntax.reason(e)
          + " (for YAML, send Content-Type: application/yaml)");
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new UnreadableBody("the body must be a JSON object (the snapshot), got "
        + (value == null ? "null" : value.getClass().getSimpleName()));
  }

  /** "Application/YAML; charset=utf-8" → "application/yaml". */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** The body could not be read as a document at all: 400, as opposed to a readable but invalid config (422). */
  private static final class UnreadableBody extends RuntimeException {
    UnreadableBody(String message) {
      super(message, null, false, false);
    }
  }
}
