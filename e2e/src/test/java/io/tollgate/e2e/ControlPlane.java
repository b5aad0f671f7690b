package io.tollgate.e2e;

import io.vertx.core.json.JsonObject;

/** The control plane's REST API as one caller (a token) sees it. */
record ControlPlane(String baseUrl, String token) {

  Http.Reply get(String path) {
    return Http.call("GET", baseUrl + path, token, null);
  }

  Http.Reply post(String path, JsonObject body) {
    return Http.call("POST", baseUrl + path, token, body == null ? null : body.encode());
  }

  Http.Reply put(String path, JsonObject body) {
    return Http.call("PUT", baseUrl + path, token, body.encode());
  }

  Http.Reply delete(String path) {
    return Http.call("DELETE", baseUrl + path, token, null);
  }

  ControlPlane as(String otherToken) {
    return new ControlPlane(baseUrl, otherToken);
  }
}
