package io.tollgate.gateway.http;

import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models}: the models this gateway routes that the caller's key may use; and
 * {@code GET /v1/models/{id}}: one of them (ids may contain '/'), or 404 when it is unknown or the key
 * may not use it (the two are not told apart, so that names do not leak). In OpenAI's shape, or in
 * Anthropic's for Anthropic's SDKs (they send {@code anthropic-version}, the key as {@code x-api-key}):
 * its model objects, and pages by {@code limit}, {@code after_id} and {@code before_id}.
 */
final class ModelsEndpoint {

  /** Anthropic's default page and its largest. */
  private static final int ANTHROPIC_DEFAULT_LIMIT = 20;
  private static final int ANTHROPIC_MAX_LIMIT = 1_000;
  /** Routes have no release date; Anthropic's model objects require one (OpenAI's card says 0 alike). */
  private static final String NO_DATE = "1970-01-01T00:00:00Z";

  private final Authenticator authenticator;
  private final Supplier<ConfigSnapshot> snapshots;

  ModelsEndpoint(Authenticator authenticator, Supplier<ConfigSnapshot> snapshots) {
    this.authenticator = authenticator;
    this.snapshots = snapshots;
  }

  /** The list, or with {@code id} non-null the one model. */
  void handle(HttpServerRequest request, String id) {
    ConfigSnapshot snapshot = snapshots.get();
    boolean anthropic = request.getHeader("anthropic-version") != null || request.getHeader("x-api-key") != null;
    Endpoint.Dialect dialect = anthropic ? Endpoint.Dialect.ANTHROPIC : Endpoint.Dialect.OPENAI;
    authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION),
            request.getHeader(anthropic ? "x-api-key" : "api-key"), snapshot)
        .onSuccess(auth -> {
          if (auth.error() != null) {
            Refusal refusal = anthropic ? auth.error().forAnthropicClients() : auth.error();
            HttpResponder.send(request.response(), ApiError.of(refusal), dialect);
            return;
          }
          if (id != null) {
            ModelRoute route = snapshot.models().get(id);
            if (route == null || !auth.key().allows(id)) {
              HttpResponder.send(request.response(), ApiError.of(Refusal.unknownModel(id)), dialect);
            } else {
              json(request, anthropic ? anthropicCard(route.name()) : card(route.name()));
            }
            return;
          }
          List<String> allowed = new ArrayList<>();
          for (String name : new TreeMap<>(snapshot.models()).keySet()) {
            if (auth.key().allows(name)) {
              allowed.add(name);
            }
          }
          if (!anthropic) {
            JsonArray data = new JsonArray();
            allowed.forEach(name -> data.add(card(name)));
            json(request, new JsonObject().put("object", "list").put("data", data));
            return;
          }
          AnthropicPaging paging = AnthropicPaging.of(request);
          if (paging.refusal() != null) {
            HttpResponder.send(request.response(), ApiError.of(paging.refusal()), dialect);
          } else {
            json(request, anthropicPage(paging, allowed));
          }
        });
  }

  /** Anthropic's paging parameters, or why they are refused. */
  private record AnthropicPaging(int limit, String afterId, String beforeId, Refusal refusal) {

    static AnthropicPaging of(HttpServerRequest request) {
      int limit = ANTHROPIC_DEFAULT_LIMIT;
      String limitParam = request.getParam("limit");
      if (limitParam != null) {
        try {
          limit = Integer.parseInt(limitParam.trim());
        } catch (NumberFormatException e) {
          limit = 0;
        }
        if (limit < 1 || limit > ANTHROPIC_MAX_LIMIT) {
          return refused(Refusal.invalidValue("limit", "limit: must be an integer from 1 to " + ANTHROPIC_MAX_LIMIT
              + ", not '" + limitParam + "'"));
        }
      }
      String afterId = request.getParam("after_id");
      String beforeId = request.getParam("before_id");
      if (afterId != null && beforeId != null) {
        return refused(Refusal.invalidValue("before_id", "before_id and after_id cannot both be set"));
      }
      return new AnthropicPaging(limit, afterId, beforeId, null);
    }

    private static AnthropicPaging refused(Refusal refusal) {
      return new AnthropicPaging(0, null, null, refusal);
    }
  }

  /**
   * Anthropic's page: at most {@code limit} models after {@code after_id} or, with {@code before_id},
   * the ones just before it (ids in name order; an id need not exist to page from).
   */
  private static JsonObject anthropicPage(AnthropicPaging paging, List<String> allowed) {
    int limit = paging.limit();
    String afterId = paging.afterId();
    String beforeId = paging.beforeId();
    int from = 0;
    int to = allowed.size();
    if (afterId != null) {
      while (from < to && allowed.get(from).compareTo(afterId) <= 0) {
        from++;
      }
      to = Math.min(to, from + limit);
    } else if (beforeId != null) {
      while (to > 0 && allowed.get(to - 1).compareTo(beforeId) >= 0) {
        to--;
      }
      from = Math.max(0, to - limit);
    } else {
      to = Math.min(to, limit);
    }
    List<String> page = allowed.subList(from, to);
    boolean hasMore = beforeId != null ? from > 0 : to < allowed.size();
    JsonArray data = new JsonArray();
    page.forEach(name -> data.add(anthropicCard(name)));
    return new JsonObject().put("data", data).put("has_more", hasMore)
        .put("first_id", page.isEmpty() ? null : page.get(0))
        .put("last_id", page.isEmpty() ? null : page.get(page.size() - 1));
  }

  private static JsonObject card(String name) {
    return new JsonObject()
        .put("id", name)
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "tollgate");
  }

  private static JsonObject anthropicCard(String name) {
    return new JsonObject()
        .put("type", "model")
        .put("id", name)
        .put("display_name", name)
        .put("created_at", NO_DATE);
  }

  private static void json(HttpServerRequest request, JsonObject body) {
    request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }
}
