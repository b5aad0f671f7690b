package io.tollgate.gateway.http;

import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** GET /v1/models: the models this gateway routes that the caller's key may use. */
final class ModelsEndpoint {

  private final Authenticator authenticator;
  private final Supplier<ConfigSnapshot> snapshots;

  ModelsEndpoint(Authenticator authenticator, Supplier<ConfigSnapshot> snapshots) {
    this.authenticator = authenticator;
    this.snapshots = snapshots;
  }

  void handle(HttpServerRequest request) {
    ConfigSnapshot snapshot = snapshots.get();
    authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader("api-key"), snapshot)
        .onSuccess(auth -> {
          if (auth.error() != null) {
            HttpResponder.send(request.response(), ApiError.of(auth.error()));
            return;
          }
          JsonArray data = new JsonArray();
          Map<String, ModelRoute> sorted = new TreeMap<>(snapshot.models());
          for (ModelRoute route : sorted.values()) {
            if (auth.key().allows(route.name())) {
              data.add(new JsonObject()
                  .put("id", route.name())
                  .put("object", "model")
                  .put("created", 0)
                  .put("owned_by", "tollgate"));
            }
          }
          request.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(new JsonObject().put("object", "list").put("data", data).toBuffer());
        });
  }
}
