package io.tollgate.loadtest.client;

import io.tollgate.loadtest.workload.RequestSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Request bodies exactly as vLLM's bench sends them: chat {@code {model, messages, max_completion_tokens,
 * stream, stream_options:{include_usage}}}, completions {@code {model, prompt, max_tokens, stream,
 * stream_options}}, plus {@code ignore_eos} when asked (so every request produces its full output length).
 */
public final class RequestBodies {

  private RequestBodies() {
  }

  public static JsonObject json(Endpoint endpoint, String model, RequestSpec spec, boolean ignoreEos) {
    JsonObject body = new JsonObject().put("model", model);
    if (endpoint == Endpoint.CHAT) {
      body.put("messages", messages(spec));
      body.put("max_completion_tokens", spec.maxTokens());
    } else {
      body.put("prompt", prompt(spec));
      body.put("max_tokens", spec.maxTokens());
    }
    body.put("stream", true);
    body.put("stream_options", new JsonObject().put("include_usage", true));
    if (ignoreEos) {
      body.put("ignore_eos", true);
    }
    return body;
  }

  public static Buffer buffer(Endpoint endpoint, String model, RequestSpec spec, boolean ignoreEos) {
    return json(endpoint, model, spec, ignoreEos).toBuffer();
  }

  private static JsonArray messages(RequestSpec spec) {
    if (spec.messages() != null) {
      JsonArray copy = spec.messages().copy();
      if (spec.systemPrompt() != null) {
        copy.add(0, new JsonObject().put("role", "system").put("content", spec.systemPrompt()));
      }
      return copy;
    }
    JsonArray messages = new JsonArray();
    if (spec.systemPrompt() != null) {
      messages.add(new JsonObject().put("role", "system").put("content", spec.systemPrompt()));
    }
    messages.add(new JsonObject().put("role", "user").put("content", spec.userPrompt()));
    return messages;
  }

  /** Completions have no roles: the shared prefix and the messages' contents become one prompt. */
  private static String prompt(RequestSpec spec) {
    StringBuilder sb = new StringBuilder();
    if (spec.systemPrompt() != null) {
      sb.append(spec.systemPrompt());
    }
    if (spec.messages() != null) {
      for (int i = 0; i < spec.messages().size(); i++) {
        Object content = spec.messages().getJsonObject(i).getValue("content");
        if (content instanceof String s) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(s);
        }
      }
    } else {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(spec.userPrompt());
    }
    return sb.toString();
  }
}
