package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code POST /tokenize} ({@code prompt} or chat {@code messages}) and {@code POST /detokenize}
 * ({@code tokens}), with the simulator's one-word-one-token model and {@link Vocabulary}'s ids.
 */
final class TokenizeHandler {

  private final SimulatorConfig config;
  private final GenerationRequestParser parser;

  TokenizeHandler(SimulatorConfig config) {
    this.config = config;
    this.parser = new GenerationRequestParser(config);
  }

  void tokenize(RoutingContext ctx) {
    try {
      JsonObject body = RequestBodies.json(ctx);
      parser.anyModel(body);
      List<String> tokens;
      if (body.getValue("messages") instanceof JsonArray messages) {
        tokens = ChatTemplate.render(messages);
        if (!GenerationRequestParser.optionalBoolean(body, "add_generation_prompt", true)) {
          tokens = tokens.subList(0, tokens.size() - ChatTemplate.GENERATION_PROMPT_TOKENS);
        }
      } else if (body.getValue("prompt") instanceof String prompt) {
        tokens = Words.split(prompt);
      } else {
        throw ApiException.badRequest("prompt or messages: Field required");
      }
      JsonArray ids = new JsonArray();
      for (String token : tokens) {
        ids.add(Vocabulary.idOf(token));
      }
      JsonObject out = new JsonObject()
          .put("count", ids.size())
          .put("max_model_len", config.maxModelLen())
          .put("tokens", ids)
          .put("token_strs", GenerationRequestParser.optionalBoolean(body, "return_token_strs", false)
              ? new JsonArray(new java.util.ArrayList<Object>(tokens)) : null);
      ctx.response().putHeader("content-type", "application/json").end(out.encode());
    } catch (ApiException e) {
      e.error().send(ctx.response());
    }
  }

  void detokenize(RoutingContext ctx) {
    try {
      JsonObject body = RequestBodies.json(ctx);
      parser.anyModel(body);
      if (!(body.getValue("tokens") instanceof JsonArray tokens)) {
        throw ApiException.badRequest("tokens: Field required", "tokens");
      }
      StringBuilder text = new StringBuilder();
      for (Object token : tokens) {
        if (!(token instanceof Number id)) {
          throw ApiException.badRequest("tokens: Input should be a list of integers", "tokens");
        }
        if (text.length() > 0) {
          text.append(' ');
        }
        text.append(Vocabulary.textOf(id.intValue()));
      }
      ctx.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("prompt", text.toString()).encode());
    } catch (ApiException e) {
      e.error().send(ctx.response());
    }
  }
}
