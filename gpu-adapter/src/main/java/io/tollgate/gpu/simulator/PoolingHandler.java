package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * vLLM's cross-encoder endpoints for pooling models: {@code /score} ({@code /v1/score} too) and
 * {@code /rerank}, {@code /v1/rerank}, {@code /v2/rerank}. Scores are deterministic: mostly the share of the
 * query's words found in the document, with a little seeded jitter, squashed into (0, 1). Answered through
 * {@link PrefillDelay}.
 */
final class PoolingHandler {

  private final SimulatorConfig config;
  private final PrefillDelay delay;
  private final GenerationRequestParser parser;

  PoolingHandler(SimulatorConfig config, PrefillDelay delay) {
    this.config = config;
    this.delay = delay;
    this.parser = new GenerationRequestParser(config);
  }

  /** One scored (query, document) pair: its index in the request, its score, its tokens. */
  private record Pair(int index, String document, double score, long tokens) {
  }

  void score(RoutingContext ctx) {
    try {
      JsonObject body = RequestBodies.json(ctx);
      String model = parser.model(body, SimulatorConfig.ModelKind.POOLING, "Score API");
      List<String> queries = null;
      List<String> documents = null;
      for (String[] names : new String[][] {{"queries", "documents"}, {"queries", "items"}, {"data_1", "data_2"},
          {"text_1", "text_2"}}) {
        if (body.getValue(names[1]) != null || (body.getValue(names[0]) != null && !names[0].equals("queries"))) {
          queries = texts(body.getValue(names[0]), names[0]);
          documents = texts(body.getValue(names[1]), names[1]);
          break;
        }
      }
      if (queries == null) {
        throw ApiException.badRequest("queries and documents (or data_1/data_2, text_1/text_2): Field required");
      }
      if (queries.size() != 1 && queries.size() != documents.size()) {
        throw ApiException.badRequest("The number of queries (" + queries.size() + ") must be 1 or match the "
            + "number of documents (" + documents.size() + ").");
      }
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < documents.size(); i++) {
        pairs.add(pair(i, queries.get(queries.size() == 1 ? 0 : i), documents.get(i)));
      }
      JsonArray data = new JsonArray();
      for (Pair p : pairs) {
        data.add(new JsonObject().put("index", p.index()).put("object", "score").put("score", p.score()));
      }
      long tokens = tokens(pairs);
      JsonObject out = new JsonObject()
          .put("id", Endpoint.SCORE.idPrefix() + RequestIds.random())
          .put("object", "list")
          .put("created", System.currentTimeMillis() / 1000)
          .put("model", model)
          .put("data", data)
          .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens)
              .put("completion_tokens", 0).putNull("prompt_tokens_details"));
      delay.answer(ctx.response(), Endpoint.SCORE, tokens, out.encode());
    } catch (ApiException e) {
      e.error().send(ctx.response());
    }
  }

  void rerank(RoutingContext ctx) {
    try {
      JsonObject body = RequestBodies.json(ctx);
      String model = parser.model(body, SimulatorConfig.ModelKind.POOLING, "Rerank API");
      if (!(body.getValue("query") instanceof String query)) {
        throw ApiException.badRequest("query: Field required (a string)", "query");
      }
      List<String> documents = texts(body.getValue("documents"), "documents");
      Integer topN = GenerationRequestParser.optionalInt(body, "top_n");
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < documents.size(); i++) {
        pairs.add(pair(i, query, documents.get(i)));
      }
      long tokens = tokens(pairs);
      List<Pair> ranked = new ArrayList<>(pairs);
      ranked.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score())
          : Integer.compare(a.index(), b.index()));
      if (topN != null && topN > 0 && topN < ranked.size()) {
        ranked = ranked.subList(0, topN);
      }
      JsonArray results = new JsonArray();
      for (Pair p : ranked) {
        results.add(new JsonObject().put("index", p.index())
            .put("document", new JsonObject().put("text", p.document()).putNull("multi_modal"))
            .put("relevance_score", p.score()));
      }
      JsonObject out = new JsonObject()
          .put("id", Endpoint.RERANK.idPrefix() + RequestIds.random())
          .put("model", model)
          .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens))
          .put("results", results);
      delay.answer(ctx.response(), Endpoint.RERANK, tokens, out.encode());
    } catch (ApiException e) {
      e.error().send(ctx.response());
    }
  }

  private Pair pair(int index, String query, String document) {
    long tokens = PromptTokens.ofText(query).count() + (long) PromptTokens.ofText(document).count();
    if (tokens > config.maxModelLen()) {
      throw ApiException.badRequest("This model's maximum context length is " + config.maxModelLen()
          + " tokens. However, you requested " + tokens + " tokens in the input for score (pair " + index
          + "). Please reduce the length of the input.");
    }
    return new Pair(index, document, relevance(query, document), tokens);
  }

  /** Deterministic: word overlap dominates, a seeded jitter breaks ties; always in (0, 1). */
  double relevance(String query, String document) {
    Set<String> queryWords = new HashSet<>(Words.split(query.toLowerCase(Locale.ROOT)));
    Set<String> documentWords = new HashSet<>(Words.split(document.toLowerCase(Locale.ROOT)));
    long shared = queryWords.stream().filter(documentWords::contains).count();
    double overlap = queryWords.isEmpty() ? 0 : (double) shared / queryWords.size();
    long hash = PromptTokens.mix(config.seed() ^ PromptTokens.ofText(query).hash() * 31
        ^ PromptTokens.ofText(document).hash());
    double jitter = (hash >>> 11) * 0x1.0p-53 * 2 - 1; // [-1, 1)
    double logit = 8 * overlap - 4 + 0.5 * jitter;
    return 1 / (1 + Math.exp(-logit));
  }

  private static long tokens(List<Pair> pairs) {
    long sum = 0;
    for (Pair p : pairs) {
      sum += p.tokens();
    }
    return sum;
  }

  /** A string, a list of strings, or {@code {"content":[…]}} parts whose text parts count. */
  private static List<String> texts(Object value, String field) {
    if (value == null) {
      throw ApiException.badRequest(field + ": Field required", field);
    }
    List<String> out = new ArrayList<>();
    if (value instanceof String text) {
      out.add(text);
    } else if (value instanceof JsonObject multimodal && multimodal.getValue("content") instanceof JsonArray parts) {
      for (Object part : parts) {
        out.add(part instanceof JsonObject p ? p.getString("text", "") : String.valueOf(part));
      }
    } else if (value instanceof JsonArray list && !list.isEmpty()) {
      for (Object item : list) {
        if (item instanceof String text) {
          out.add(text);
        } else if (item instanceof JsonObject doc && doc.getValue("text") instanceof String text) {
          out.add(text);
        } else {
          throw ApiException.badRequest(field + ": Input should be a string or a list of strings", field);
        }
      }
    } else {
      throw ApiException.badRequest(field + ": Input should be a string or a non-empty list of strings", field);
    }
    return out;
  }
}
