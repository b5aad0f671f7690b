package io.tollgate.gpu.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * How one simulated vLLM server behaves: what it serves, how fast its "GPU" is and how big.
 *
 * @param host                   interface to bind
 * @param port                   port to bind; 0 picks a free one (read it back from {@link VllmSimulator#port()})
 * @param models                 served generation model names (chat, completions, responses, messages); the first served model of any kind labels the metrics and answers requests without a model
 * @param maxModelLen            context window: prompt + max tokens above it is a 400
 * @param prefillMillisPerToken  prefill cost of each prompt token that is not in the prefix cache
 * @param interTokenMillis       decode time between two tokens of one sequence, with a batch of one
 * @param maxNumSeqs             sequences decoded at once (vLLM {@code --max-num-seqs}); more wait in FIFO order
 * @param kvCacheCapacityTokens  tokens of KV cache; each running sequence holds its prompt and its output
 * @param prefixCaching          whether repeated prompt prefixes skip prefill (vLLM {@code --enable-prefix-caching})
 * @param seed                   seeds output text (unless a request sets {@code seed}) and fault draws
 * @param defaultMaxTokens       a request without max tokens stops after a deterministic length in [1, this]
 * @param embeddingDimensions    length of the vectors {@code /v1/embeddings} returns
 * @param poolingModels          served pooling model names: embeddings, rerank and score; generation on them is refused
 * @param transcriptionModels    served speech-to-text model names: {@code /v1/audio/transcriptions} and {@code /translations} only
 * @param maxNumQueuedReqs       vLLM {@code --max-num-queued-reqs}: with the batch full, a request that finds this many waiting gets 503 before any byte; 0 = off
 * @param maxNumQueuedTokens     vLLM {@code --max-num-queued-tokens}: with the batch full, a request whose prompt would take the waiting prompt tokens above this gets 503; 0 = off
 * @param responsesStore         vLLM's {@code VLLM_ENABLE_RESPONSES_API_STORE=1}: Responses are kept in memory (GET, cancel, previous_response_id, background); off, {@code store:true} is silently false
 * @param responsesFailedEvent   a Responses stream whose generation fails ends with a {@code response.failed} event (as
 *                               vLLM PRs #40418/#38190 propose) instead of vLLM's cut connection
 * @param apiKey                 vLLM {@code --api-key}: when set, requests other than /health, /ping, /load, /version, /metrics and /sim/* need {@code Authorization: Bearer <key>}; null = open
 * @param sslCertFile            vLLM {@code --ssl-certfile}: serve HTTPS with this certificate chain (PEM); null = plain HTTP
 * @param sslKeyFile             vLLM {@code --ssl-keyfile}: its private key (PEM)
 */
public record SimulatorConfig(String host, int port, List<String> models, int maxModelLen, double prefillMillisPerToken, double interTokenMillis, int maxNumSeqs, long kvCacheCapacityTokens, boolean prefixCaching, long seed, int defaultMaxTokens, int embeddingDimensions, List<String> poolingModels, List<String> transcriptionModels, int maxNumQueuedReqs, long maxNumQueuedTokens, boolean responsesStore, String apiKey, boolean responsesFailedEvent, String sslCertFile, String sslKeyFile) {

  public SimulatorConfig {
    require(host != null && !host.isBlank(), "host must be set");
    require(port >= 0 && port <= 65_535, "port must be in [0, 65535]");
    models = List.copyOf(models == null ? List.of() : models);
    poolingModels = List.copyOf(poolingModels == null ? List.of() : poolingModels);
    transcriptionModels = List.copyOf(transcriptionModels == null ? List.of() : transcriptionModels);
    require(!models.isEmpty() || !poolingModels.isEmpty() || !transcriptionModels.isEmpty(),
        "at least one model must be served");
    List<String> all = new ArrayList<>(models);
    all.addAll(poolingModels);
    all.addAll(transcriptionModels);
    require(all.stream().noneMatch(String::isBlank), "model names must not be blank");
    require(all.stream().distinct().count() == all.size(), "a model name may be served as one kind only");
    require(maxModelLen >= 1, "maxModelLen must be >= 1");
    require(prefillMillisPerToken >= 0 && Double.isFinite(prefillMillisPerToken), "prefillMillisPerToken must be >= 0");
    require(interTokenMillis >= 0 && Double.isFinite(interTokenMillis), "interTokenMillis must be >= 0");
    require(maxNumSeqs >= 1, "maxNumSeqs must be >= 1");
    require(kvCacheCapacityTokens >= 1, "kvCacheCapacityTokens must be >= 1");
    require(defaultMaxTokens >= 1, "defaultMaxTokens must be >= 1");
    require(embeddingDimensions >= 1, "embeddingDimensions must be >= 1");
    require(maxNumQueuedReqs >= 0, "maxNumQueuedReqs must be >= 0 (0 = off)");
    require(maxNumQueuedTokens >= 0, "maxNumQueuedTokens must be >= 0 (0 = off)");
    require(apiKey == null || !apiKey.isBlank(), "apiKey must not be blank");
    require((sslCertFile == null) == (sslKeyFile == null), "sslCertFile and sslKeyFile go together");
  }

  /** Without HTTPS (as before --ssl-certfile existed). */
  public SimulatorConfig(String host, int port, List<String> models, int maxModelLen, double prefillMillisPerToken,
                         double interTokenMillis, int maxNumSeqs, long kvCacheCapacityTokens, boolean prefixCaching,
                         long seed, int defaultMaxTokens, int embeddingDimensions, List<String> poolingModels,
                         List<String> transcriptionModels, int maxNumQueuedReqs, long maxNumQueuedTokens,
                         boolean responsesStore, String apiKey, boolean responsesFailedEvent) {
    this(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens,
        prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs,
        maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, null, null);
  }

  /** HTTPS with this certificate and key (PEM files), as vLLM's --ssl-certfile and --ssl-keyfile. */
  public SimulatorConfig withTls(String certFile, String keyFile) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, certFile, keyFile);
  }

  public static SimulatorConfig defaults() {
    return new SimulatorConfig("127.0.0.1", 0, List.of("demo-llama"), 8192, 0.05, 10, 256, 262_144,
        true, 42, 64, 32, List.of(), List.of(), 0, 0, true, null, false);
  }

  /** What a served model can do, as vLLM's runner types split them. */
  public enum ModelKind { GENERATE, POOLING, TRANSCRIPTION }

  /** Every served model name: generation, then pooling, then transcription models. */
  public List<String> allModels() {
    List<String> all = new ArrayList<>(models);
    all.addAll(poolingModels);
    all.addAll(transcriptionModels);
    return all;
  }

  /** The kind of a served model, or null if it is not served. */
  public ModelKind kindOf(String model) {
    if (models.contains(model)) {
      return ModelKind.GENERATE;
    }
    if (poolingModels.contains(model)) {
      return ModelKind.POOLING;
    }
    return transcriptionModels.contains(model) ? ModelKind.TRANSCRIPTION : null;
  }

  /** The served models of one kind. */
  public List<String> modelsOf(ModelKind kind) {
    return switch (kind) {
      case GENERATE -> models;
      case POOLING -> poolingModels;
      case TRANSCRIPTION -> transcriptionModels;
    };
  }

  /** The first served model: the metrics label. */
  public String primaryModel() {
    return allModels().get(0);
  }

  public SimulatorConfig withModels(String... models) {
    return withModels(List.of(models));
  }

  public SimulatorConfig withPoolingModels(String... poolingModels) {
    return withPoolingModels(List.of(poolingModels));
  }

  public SimulatorConfig withTranscriptionModels(String... transcriptionModels) {
    return withTranscriptionModels(List.of(transcriptionModels));
  }

  public SimulatorConfig withHost(String host) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withPort(int port) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withModels(List<String> models) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withMaxModelLen(int maxModelLen) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withPrefillMillisPerToken(double prefillMillisPerToken) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withInterTokenMillis(double interTokenMillis) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withMaxNumSeqs(int maxNumSeqs) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withKvCacheCapacityTokens(long kvCacheCapacityTokens) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withPrefixCaching(boolean prefixCaching) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withSeed(long seed) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withDefaultMaxTokens(int defaultMaxTokens) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withEmbeddingDimensions(int embeddingDimensions) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withPoolingModels(List<String> poolingModels) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withTranscriptionModels(List<String> transcriptionModels) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withMaxNumQueuedReqs(int maxNumQueuedReqs) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withMaxNumQueuedTokens(long maxNumQueuedTokens) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withResponsesStore(boolean responsesStore) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withApiKey(String apiKey) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  public SimulatorConfig withResponsesFailedEvent(boolean responsesFailedEvent) {
    return new SimulatorConfig(host, port, models, maxModelLen, prefillMillisPerToken, interTokenMillis, maxNumSeqs, kvCacheCapacityTokens, prefixCaching, seed, defaultMaxTokens, embeddingDimensions, poolingModels, transcriptionModels, maxNumQueuedReqs, maxNumQueuedTokens, responsesStore, apiKey, responsesFailedEvent, sslCertFile, sslKeyFile);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
