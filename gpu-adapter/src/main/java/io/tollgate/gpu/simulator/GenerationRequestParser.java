package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates a generation request in vLLM's order: field validation (400), then the model (404), then the
 * context length (400, before any stream starts).
 */
final class GenerationRequestParser {

  private final SimulatorConfig config;

  GenerationRequestParser(SimulatorConfig config) {
    this.config = config;
  }

  GenerationRequest parse(Endpoint endpoint, JsonObject body) {
    boolean stream = optionalBoolean(body, "stream", false);
    Object streamOptions = body.getValue("stream_options");
    if (streamOptions != null && !(streamOptions instanceof JsonObject)) {
      throw ApiException.badRequest("stream_options: Input should be a valid dictionary", "stream_options");
    }
    if (streamOptions != null && !stream) {
      throw ApiException.badRequest("Stream options can only be defined when `stream=True`.", "stream_options");
    }
    boolean includeUsage = false;
    boolean continuousUsage = false;
    if (streamOptions instanceof JsonObject options) {
      // vLLM's StreamOptions: include_usage defaults to true whenever the object is present.
      includeUsage = optionalBoolean(options, "include_usage", true);
      continuousUsage = includeUsage && optionalBoolean(options, "continuous_usage_stats", false);
    }
    Integer n = optionalInt(body, "n");
    if (n != null && n < 1) {
      throw ApiException.badRequest("n must be at least 1, got " + n + ".", "n");
    }
    Integer maxTokens = optionalInt(body, "max_tokens");
    if (endpoint == Endpoint.CHAT) {
      Integer maxCompletionTokens = optionalInt(body, "max_completion_tokens");
      if (maxCompletionTokens != null) {
        maxTokens = maxCompletionTokens;
      }
    }
    if (maxTokens != null && maxTokens < 1) {
      throw ApiException.badRequest("max_tokens must be at least 1, got " + maxTokens + ".", "max_tokens");
    }
    Long seed = optionalLong(body, "seed");
    boolean ignoreEos = optionalBoolean(body, "ignore_eos", false);
    List<PromptTokens> prompts = endpoint == Endpoint.CHAT ? List.of(chatPrompt(body)) : completionPrompts(body);

    String model = model(body, SimulatorConfig.ModelKind.GENERATE,
        endpoint == Endpoint.CHAT ? "Chat Completions API" : "Completions API");
    for (PromptTokens prompt : prompts) {
      checkContextLength(endpoint, prompt.count(), maxTokens);
    }
    return new GenerationRequest(endpoint, model, prompts, n == null ? 1 : n, maxTokens, seed, ignoreEos, stream,
        includeUsage, continuousUsage, null);
  }

  /**
   * The requested model, which must be of {@code kind}; none given means the first served one of that kind,
   * as vLLM does. vLLM serves one model and registers only its task's routes, so where no model of the kind
   * is served the answer is FastAPI's 404 {@code {"detail":"Not Found"}}; a served model of another kind
   * (possible only here, where one simulator may serve several kinds) is a 400.
   */
  String model(JsonObject body, SimulatorConfig.ModelKind kind, String api) {
    Object model = body.getValue("model");
    if (model != null && !(model instanceof String)) {
      throw ApiException.badRequest("model: Input should be a valid string", "model");
    }
    String name = (String) model;
    if (config.modelsOf(kind).isEmpty()) {
      throw new ApiException(ApiError.routeNotFound());
    }
    if (name == null) {
      return config.modelsOf(kind).get(0);
    }
    SimulatorConfig.ModelKind actual = config.kindOf(name);
    if (actual == null) {
      throw new ApiException(ApiError.modelNotFound(name));
    }
    if (actual != kind) {
      throw ApiException.badRequest("The model `" + name + "` does not support the " + api + ".", "model");
    }
    return name;
  }

  /** Any served model (for /tokenize, /detokenize); none given means the first served one. */
  String anyModel(JsonObject body) {
    Object model = body.getValue("model");
    if (model == null) {
      return config.primaryModel();
    }
    if (!(model instanceof String name)) {
      throw ApiException.badRequest("model: Input should be a valid string", "model");
    }
    if (config.kindOf(name) == null) {
      throw new ApiException(ApiError.modelNotFound(name));
    }
    return name;
  }

  void checkContextLength(Endpoint endpoint, int promptTokens, Integer maxTokens) {
    String where = switch (endpoint) {
      case CHAT, MESSAGES -> "messages";
      case RESPONSES -> "input";
      default -> "prompt";
    };
    int limit = config.maxModelLen();
    if (promptTokens >= limit) {
      throw ApiException.badRequest("This model's maximum context length is " + limit + " tokens. However, your "
          + "request has " + promptTokens + " input tokens. Please reduce the length of the input " + where + ".");
    }
    if (maxTokens != null && (long) promptTokens + maxTokens > limit) {
      throw ApiException.badRequest("This model's maximum context length is " + limit + " tokens. However, you "
          + "requested " + ((long) promptTokens + maxTokens) + " tokens (" + promptTokens + " in the " + where
          + ", " + maxTokens + " in the completion). Please reduce the length of the " + where
          + " or completion.");
    }
    if (promptTokens > config.kvCacheCapacityTokens()) {
      throw ApiException.badRequest("The prompt (" + promptTokens + " tokens) does not fit in the KV cache ("
          + config.kvCacheCapacityTokens() + " tokens).");
    }
  }

  private static PromptTokens chatPrompt(JsonObject body) {
    Object messages = body.getValue("messages");
    if (messages == null) {
      throw ApiException.badRequest("messages: Field required", "messages");
    }
    if (!(messages instanceof JsonArray list) || list.isEmpty()) {
      throw ApiException.badRequest("messages: Input should be a non-empty list", "messages");
    }
    return ChatTemplate.tokens(list);
  }

  private static List<PromptTokens> completionPrompts(JsonObject body) {
    Object prompt = body.getValue("prompt");
    if (prompt == null) {
      throw ApiException.badRequest("prompt: Field required", "prompt");
    }
    List<PromptTokens> prompts = new ArrayList<>();
    if (prompt instanceof String text) {
      prompts.add(PromptTokens.ofText(text));
    } else if (prompt instanceof JsonArray list && !list.isEmpty()) {
      if (list.stream().allMatch(Number.class::isInstance)) {
        prompts.add(tokenIds(list));
      } else {
        for (Object item : list) {
          if (item instanceof String text) {
            prompts.add(PromptTokens.ofText(text));
          } else if (item instanceof JsonArray ids && ids.stream().allMatch(Number.class::isInstance)) {
            prompts.add(tokenIds(ids));
          } else {
            throw ApiException.badRequest("prompt: Input should be a string, a list of strings or token ids",
                "prompt");
          }
        }
      }
    } else {
      throw ApiException.badRequest("prompt: Input should be a string, a list of strings or token ids", "prompt");
    }
    for (PromptTokens p : prompts) {
      if (p.count() == 0) {
        throw ApiException.badRequest("The decoder prompt cannot be empty", "prompt");
      }
    }
    return prompts;
  }

  private static PromptTokens tokenIds(JsonArray ids) {
    PromptTokens tokens = new PromptTokens();
    for (Object id : ids) {
      tokens.addId(((Number) id).longValue());
    }
    return tokens;
  }

  static boolean optionalBoolean(JsonObject body, String field, boolean absent) {
    Object value = body.getValue(field);
    if (value == null) {
      return absent;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw ApiException.badRequest(field + ": Input should be a valid boolean", field);
  }

  static Integer optionalInt(JsonObject body, String field) {
    Long value = optionalLong(body, field);
    if (value == null) {
      return null;
    }
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw ApiException.badRequest(field + ": Input should be a valid integer", field);
    }
    return value.intValue();
  }

  static Long optionalLong(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
        && Math.abs(number.doubleValue()) < 9.0E18) {
      return number.longValue();
    }
    throw ApiException.badRequest(field + ": Input should be a valid integer", field);
  }
}
