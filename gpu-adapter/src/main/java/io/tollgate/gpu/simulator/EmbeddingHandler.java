package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/embeddings}: deterministic unit vectors (Gaussian draws seeded by config seed + the input's
 * token hash, normalised), so equal inputs embed equally. Input: a string, a list of strings, a list of token
 * ids or a list of such lists.
 */
final class EmbeddingHandler {

  private final SimulatorConfig config;
  private final PrefillDelay delay;
  private final GenerationRequestParser parser;

  EmbeddingHandler(SimulatorConfig config, PrefillDelay delay) {
    this.config = config;
    this.delay = delay;
    this.parser = new GenerationRequestParser(config);
  }

  /**
   * Pooling models embed; so do generation models (the simulator has always embedded with them, and
   * gateway tests rely on it). A request without a model goes to the first pooling model, if any.
   */
  private String model(JsonObject body) {
    if (body.getValue("model") == null && !config.poolingModels().isEmpty()) {
      return config.poolingModels().get(0);
    }
    String model = body.getValue("model") == null && !config.models().isEmpty()
        ? config.models().get(0) : parser.anyModel(body);
    if (config.kindOf(model) == SimulatorConfig.ModelKind.TRANSCRIPTION) {
      throw ApiException.badRequest("The model `" + model + "` does not support the Embeddings API.", "model");
    }
    return model;
  }

  void handle(RoutingContext ctx) {
    try {
      JsonObject body = RequestBodies.json(ctx);
      List<PromptTokens> inputs = inputs(body.getValue("input"));
      String model = model(body);
      long promptTokens = 0;
      for (PromptTokens input : inputs) {
        if (input.count() > config.maxModelLen()) {
          throw ApiException.badRequest("This model's maximum context length is " + config.maxModelLen()
              + " tokens. However, you requested " + input.count() + " tokens in the input for embedding "
              + "generation. Please reduce the length of the input.");
        }
        promptTokens += input.count();
      }
      StringBuilder out = new StringBuilder(64 + inputs.size() * config.embeddingDimensions() * 12);
      out.append("{\"id\":\"embd-").append(RequestIds.random()).append("\",\"object\":\"list\",\"created\":")
          .append(System.currentTimeMillis() / 1000).append(",\"model\":").append(Json.quote(model))
          .append(",\"data\":[");
      for (int i = 0; i < inputs.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append("{\"index\":").append(i).append(",\"object\":\"embedding\",\"embedding\":[");
        float[] vector = vector(inputs.get(i).hash());
        for (int d = 0; d < vector.length; d++) {
          if (d > 0) {
            out.append(',');
          }
          out.append(vector[d]);
        }
        out.append("]}");
      }
      out.append("],\"usage\":{\"prompt_tokens\":").append(promptTokens).append(",\"total_tokens\":")
          .append(promptTokens).append(",\"completion_tokens\":0,\"prompt_tokens_details\":null}}");
      delay.answer(ctx.response(), Endpoint.EMBEDDINGS, promptTokens, out.toString());
    } catch (ApiException e) {
      e.error().send(ctx.response());
    }
  }

  float[] vector(long inputHash) {
    SplittableRandom random = new SplittableRandom(config.seed() + inputHash);
    double[] raw = new double[config.embeddingDimensions()];
    double norm = 0;
    for (int d = 0; d < raw.length; d++) {
      raw[d] = gaussian(random);
      norm += raw[d] * raw[d];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[raw.length];
    for (int d = 0; d < raw.length; d++) {
      out[d] = (float) (raw[d] / norm);
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static List<PromptTokens> inputs(Object input) {
    if (input == null) {
      throw ApiException.badRequest("input: Field required", "input");
    }
    List<PromptTokens> out = new ArrayList<>();
    if (input instanceof String text) {
      out.add(PromptTokens.ofText(text));
    } else if (input instanceof JsonArray list && !list.isEmpty()) {
      if (list.stream().allMatch(Number.class::isInstance)) {
        out.add(ids(list));
      } else {
        for (Object item : list) {
          if (item instanceof String text) {
            out.add(PromptTokens.ofText(text));
          } else if (item instanceof JsonArray ids && ids.stream().allMatch(Number.class::isInstance)) {
            out.add(ids(ids));
          } else {
            throw ApiException.badRequest("input: Input should be a string, a list of strings or token ids",
                "input");
          }
        }
      }
    } else {
      throw ApiException.badRequest("input: Input should be a string, a list of strings or token ids", "input");
    }
    return out;
  }

  private static PromptTokens ids(JsonArray ids) {
    PromptTokens tokens = new PromptTokens();
    for (Object id : ids) {
      tokens.addId(((Number) id).longValue());
    }
    return tokens;
  }
}
