package io.tollgate.gpu.simulator;

import java.util.List;

/**
 * How one simulated vLLM server behaves: what it serves, how fast its "GPU" is and how big.
 *
 * @param host                   interface to bind
 * @param port                   port to bind; 0 picks a free one (read it back from {@link VllmSimulator#port()})
 * @param models                 served model names; the first one labels the metrics and answers requests without a model
 * @param maxModelLen            context window: prompt + max tokens above it is a 400
 * @param prefillMillisPerToken  prefill cost of each prompt token that is not in the prefix cache
 * @param interTokenMillis       decode time between two tokens of one sequence, with a batch of one
 * @param maxNumSeqs             sequences decoded at once (vLLM {@code --max-num-seqs}); more wait in FIFO order
 * @param kvCacheCapacityTokens  tokens of KV cache; each running sequence holds its prompt and its output
 * @param prefixCaching          whether repeated prompt prefixes skip prefill (vLLM {@code --enable-prefix-caching})
 * @param seed                   seeds output text (unless a request sets {@code seed}) and fault draws
 * @param defaultMaxTokens       a request without max tokens stops after a deterministic length in [1, this]
 * @param embeddingDimensions    length of the vectors {@code /v1/embeddings} returns
 */
public record SimulatorConfig(String host, int port, List<String> models, int maxModelLen,
    double prefillMillisPerToken, double interTokenMillis, int maxNumSeqs, long kvCacheCapacityTokens,
    boolean prefixCaching, long seed, int defaultMaxTokens, int embeddingDimensions) {

  public SimulatorConfig {
    require(host != null && !host.isBlank(), "host must be set");
    require(port >= 0 && port <= 65_535, "port must be in [0, 65535]");
    require(models != null && !models.isEmpty(), "at least one model must be served");
    models = List.copyOf(models);
    require(models.stream().noneMatch(String::isBlank), "model names must not be blank");
    require(maxModelLen >= 1, "maxModelLen must be >= 1");
    require(prefillMillisPerToken >= 0 && Double.isFinite(prefillMillisPerToken), "prefillMillisPerToken must be >= 0");
    require(interTokenMillis >= 0 && Double.isFinite(interTokenMillis), "interTokenMillis must be >= 0");
    require(maxNumSeqs >= 1, "maxNumSeqs must be >= 1");
    require(kvCacheCapacityTokens >= 1, "kvCacheCapacityTokens must be >= 1");
    require(defaultMaxTokens >= 1, "defaultMaxTokens must be >= 1");
    require(embeddingDimensions >= 1, "embeddingDimensions must be >= 1");
  }

  public static SimulatorConfig defaults() {
    return new SimulatorConfig("127.0.0.1", 0, List.of("demo-llama"), 8192, 0.05, 10, 256, 262_144,
        true, 42, 64, 32);
  }

  /** The first served model: the metrics label and the model used when a request names none. */
  public String primaryModel() {
    return models.get(0);
  }

  public SimulatorConfig withHost(String host) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withPort(int port) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withModels(List<String> models) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withModels(String... models) {
    return withModels(List.of(models));
  }

  public SimulatorConfig withMaxModelLen(int maxModelLen) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withPrefillMillisPerToken(double prefillMillisPerToken) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withInterTokenMillis(double interTokenMillis) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withMaxNumSeqs(int maxNumSeqs) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withKvCacheCapacityTokens(long kvCacheCapacityTokens) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withPrefixCaching(boolean prefixCaching) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withSeed(long seed) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withDefaultMaxTokens(int defaultMaxTokens) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  public SimulatorConfig withEmbeddingDimensions(int embeddingDimensions) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis,
        maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
