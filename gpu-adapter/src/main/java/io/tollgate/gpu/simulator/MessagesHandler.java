package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens}: the Anthropic Messages API as vLLM
 * serves it, converted to a chat completion (same engine path, same {@code chatcmpl-} id). The output stops
 * by itself at a deterministic length ({@code end_turn}) unless {@code max_tokens} cuts it ({@code max_tokens}).
 */
final class MessagesHandler {

  private final SimulatorConfig config;
  private final Launcher launcher;
  private final GenerationRequestParser parser;

  MessagesHandler(SimulatorConfig config, Launcher launcher) {
    this.config = config;
    this.launcher = launcher;
    this.parser = new GenerationRequestParser(config);
  }

  void create(RoutingContext ctx) {
    long arrival = System.nanoTime();
    HttpServerResponse response = ctx.response();
    String requestId = launcher.requestId(ctx);
    GenerationRequest request;
    try {
      request = parse(RequestBodies.json(ctx));
    } catch (MessagesRequestParser.FieldError e) {
      e.error.send(response);
      return;
    } catch (ApiException e) {
      e.error().sendAnthropic(response);
      return;
    }
    ApiError refusal = launcher.refusal(request);
    if (refusal != null) {
      refusal.sendAnthropic(response);
      return;
    }
    String id = Endpoint.MESSAGES.idPrefix() + requestId;
    GenerationCall call = request.stream()
        ? new MessagesStreamCall(request, response, launcher.engine(), id)
        : new MessagesCall(request, response, launcher.engine(), id);
    launcher.start(call, request, arrival);
  }

  void countTokens(RoutingContext ctx) {
    try {
      JsonObject body = RequestBodies.json(ctx);
      model(body);
      int count = ChatTemplate.tokens(MessagesRequestParser.chatMessages(body)).count();
      ctx.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("input_tokens", count).encode());
    } catch (MessagesRequestParser.FieldError e) {
      e.error.send(ctx.response());
    } catch (ApiException e) {
      e.error().sendAnthropic(ctx.response());
    }
  }

  private String model(JsonObject body) {
    if (body.getValue("model") == null) {
      throw new MessagesRequestParser.FieldError("model: Field required", "model");
    }
    return parser.model(body, SimulatorConfig.ModelKind.GENERATE, "Messages API");
  }

  private GenerationRequest parse(JsonObject body) {
    JsonArray messages = MessagesRequestParser.chatMessages(body);
    Integer maxTokens;
    try {
      maxTokens = GenerationRequestParser.optionalInt(body, "max_tokens");
    } catch (ApiException e) {
      throw new MessagesRequestParser.FieldError(e.getMessage(), "max_tokens");
    }
    if (maxTokens == null) {
      throw new MessagesRequestParser.FieldError("max_tokens: Field required", "max_tokens");
    }
    if (maxTokens < 1) {
      throw new MessagesRequestParser.FieldError("max_tokens: Input should be greater than 0", "max_tokens");
    }
    boolean stream = GenerationRequestParser.optionalBoolean(body, "stream", false);
    String model = model(body);
    PromptTokens prompt = ChatTemplate.tokens(messages);
    parser.checkContextLength(Endpoint.MESSAGES, prompt.count(), maxTokens);
    Long seed = GenerationRequestParser.optionalLong(body, "seed");
    int natural = 1 + (int) Math.floorMod(PromptTokens.mix(prompt.hash() ^ (seed == null ? config.seed() : seed)),
        (long) config.defaultMaxTokens());
    return new GenerationRequest(Endpoint.MESSAGES, model, List.of(prompt), 1, maxTokens, seed, false,
        stream, false, false, natural);
  }

  /** vLLM's mapping of finish reasons: stop → end_turn, length → max_tokens. */
  static String stopReason(String finishReason) {
    return "length".equals(finishReason) ? "max_tokens" : "end_turn";
  }
}
