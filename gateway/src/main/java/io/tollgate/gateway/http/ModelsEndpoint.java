package io.tollgate.gateway.http;

import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models}: the models this gateway routes that the caller's key may use; and
 * {@code GET /v1/models/{id}}: one of them (ids may contain '/'), or 404 in OpenAI's shape when it
 * is unknown or the key may not use it (the two are not told apart, so that names do not leak).
 */
final class ModelsEndpoint {

  private final Authenticator authenticator;
  private final Supplier<ConfigSnapshot> snapshots;

  ModelsEndpoint(Authenticator authenticator, Supplier<ConfigSnapshot> snapshots) {
    this.authenticator = authenticator;
    this.snapshots = snapshots;
  }

  /** The list, or with {@code id} non-null the one model. */
  void handle(HttpServerRequest request, String id) {
    ConfigSnapshot snapshot = snapshots.get();
    authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader("api-key"), snapshot)
        .onSuccess(auth -> {
          if (auth.error() != null) {
            HttpResponder.send(request.response(), ApiError.of(auth.error()));
            return;
          }
          if (id != null) {
            ModelRoute route = snapshot.models().get(id);
            if (route == null || !auth.key().allows(id)) {
              HttpResponder.send(request.response(), ApiError.of(Refusal.unknownModel(id)));
            } else {
              json(request, card(route));
            }
            return;
          }
          JsonArray data = new JsonArray();
          Map<String, ModelRoute> sorted = new TreeMap<>(snapshot.models());
          for (ModelRoute route : sorted.values()) {
            if (auth.key().allows(route.name())) {
              data.add(card(route));
            }
          }
          json(request, new JsonObject().put("object", "list").put("data", data));
        });
  }

  private static JsonObject card(ModelRoute route) {
    return new JsonObject()
        .put("id", route.name())
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "tollgate");
  }

  private static void json(HttpServerRequest request, JsonObject body) {
    request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }
}
