package io.tollgate.gateway.demo;

import io.tollgate.gateway.auth.ApiKeyMinter;
import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.config.ModelRoute.Prices;
import io.tollgate.gateway.config.ModelRoute.RouteTimeouts;
import io.tollgate.gpu.simulator.SimulatorConfig;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --demo}: two in-process vLLM simulators and a freshly minted key, so a first run needs no
 * GPU and no external service. They serve a chat model (chat, completions, Responses, Messages), a
 * pooling model (embeddings, rerank, score) and a transcription model, so that every endpoint can
 * be tried from the first command.
 */
public final class DemoMode {

  public static final String MODEL = "demo-llama";
  public static final String POOLING_MODEL = "demo-rerank";
  public static final String TRANSCRIPTION_MODEL = "demo-whisper";
  public static final String KEY_ID = "demo";
  public static final String ORG = "demo-org";

  private DemoMode() {
  }

  /**
   * The demo's backends, model and key, on the base snapshot's defaults and keys. The base's own
   * backends and models are left out: in a first run they point at a vLLM that is not there.
   */
  public record Demo(List<VllmSimulator> simulators, String apiKey, ConfigSnapshot snapshot) {
  }

  public static Future<Demo> start(Vertx vertx, KeyHasher hasher, ConfigSnapshot base) {
    SimulatorConfig simulator = SimulatorConfig.defaults().withModels(List.of(MODEL))
        .withPoolingModels(List.of(POOLING_MODEL)).withTranscriptionModels(List.of(TRANSCRIPTION_MODEL));
    return Future.all(VllmSimulator.start(vertx, simulator), VllmSimulator.start(vertx, simulator))
        .map(started -> {
          List<VllmSimulator> simulators = List.of(started.resultAt(0), started.resultAt(1));
          Map<String, BackendSpec> backends = new HashMap<>();
          for (int i = 0; i < simulators.size(); i++) {
            String id = "demo-sim-" + (i + 1);
            backends.put(id, new BackendSpec(id, URI.create(simulators.get(i).baseUrl())));
          }
          Map<String, ModelRoute> models = new HashMap<>();
          List<String> both = List.of("demo-sim-1", "demo-sim-2");
          models.put(MODEL, new ModelRoute(MODEL, MODEL, both, RouteTimeouts.DEFAULT, 2, new Prices(0.10, 0.40)));
          models.put(POOLING_MODEL, new ModelRoute(POOLING_MODEL, POOLING_MODEL, both, RouteTimeouts.DEFAULT, 2,
              new Prices(0.02, 0)));
          models.put(TRANSCRIPTION_MODEL, new ModelRoute(TRANSCRIPTION_MODEL, TRANSCRIPTION_MODEL, both,
              RouteTimeouts.DEFAULT, 2, new Prices(0.10, 0.40)));
          String secret = new ApiKeyMinter().newSecret();
          Map<String, ApiKeySpec> keys = new HashMap<>(base.keysByHash());
          String hash = hasher.hash(secret);
          keys.put(hash, new ApiKeySpec(KEY_ID, hash, ORG, Set.of("*"), base.defaultLimits()));
          ConfigSnapshot snapshot = new ConfigSnapshot(base.version(), backends, models, keys,
              base.defaultLimits(), base.defaultMaxTokens());
          return new Demo(simulators, secret, snapshot);
        });
  }
}
