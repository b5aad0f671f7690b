package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The small GET endpoints: {@code /v1/models}, {@code /health}, {@code /ping}, {@code /version}, {@code /load}. */
final class ServerInfoHandler {

  static final String VERSION = "0.11.0-sim";

  private final SimulatorConfig config;
  private final GpuEngine engine;
  private final String modelsJson;

  ServerInfoHandler(SimulatorConfig config, GpuEngine engine) {
    this.config = config;
    this.engine = engine;
    this.modelsJson = modelsJson(config, System.currentTimeMillis() / 1000);
  }

  void models(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "application/json").end(modelsJson);
  }

  void health(RoutingContext ctx) {
    ctx.response().setStatusCode(200).end();
  }

  void version(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("version", VERSION).encode());
  }

  /** vLLM's server load: requests in flight (running + waiting). */
  void load(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("server_load", engine.running() + engine.waiting()).encode());
  }

  private static String modelsJson(SimulatorConfig config, long created) {
    JsonArray data = new JsonArray();
    for (String model : config.allModels()) {
      JsonObject permission = new JsonObject()
          .put("id", "modelperm-" + RequestIds.random())
          .put("object", "model_permission")
          .put("created", created)
          .put("allow_create_engine", false)
          .put("allow_sampling", true)
          .put("allow_logprobs", true)
          .put("allow_search_indices", false)
          .put("allow_view", true)
          .put("allow_fine_tuning", false)
          .put("organization", "*")
          .putNull("group")
          .put("is_blocking", false);
      data.add(new JsonObject()
          .put("id", model)
          .put("object", "model")
          .put("created", created)
          .put("owned_by", "vllm")
          .put("root", model)
          .putNull("parent")
          .put("max_model_len", config.maxModelLen())
          .put("permission", new JsonArray().add(permission)));
    }
    return new JsonObject().put("object", "list").put("data", data).encode();
  }
}
