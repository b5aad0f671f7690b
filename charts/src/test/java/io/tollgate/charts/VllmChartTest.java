package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tollgate.charts.Workloads.arg;
import static io.tollgate.charts.Workloads.env;
import static io.tollgate.charts.Workloads.hasEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users of charts/vllm rely on: GPUs, GPU nodes, the model cache, /health, the simulator. */
class VllmChartTest {

  private static List<HasMetadata> render(Map<String, Object> sets) {
    return Charts.parse(Charts.template("vllm", List.of(), sets));
  }

  private static List<HasMetadata> renderExample() {
    return Charts.parse(Charts.template("vllm", List.of(Charts.exampleValues("vllm")), Map.of()));
  }

  private static StatefulSet statefulSet(List<HasMetadata> objects) {
    return Charts.one(objects, StatefulSet.class);
  }

  private static PodSpec pod(List<HasMetadata> objects) {
    return statefulSet(objects).getSpec().getTemplate().getSpec();
  }

  private static Container only(List<HasMetadata> objects) {
    List<Container> containers = pod(objects).getContainers();
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  @Test
  void requestsGpusAndRunsOnGpuNodes() {
    List<HasMetadata> objects = render(Map.of());
    Container vllm = only(objects);
    assertEquals("vllm", vllm.getName());
    assertEquals("vllm/vllm-openai:v0.11.0", vllm.getImage());
    assertEquals(new Quantity("1"), vllm.getResources().getLimits().get("nvidia.com/gpu"));
    assertEquals(new Quantity("1"), vllm.getResources().getRequests().get("nvidia.com/gpu"));
    PodSpec pod = pod(objects);
    assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
    Toleration gpu = pod.getTolerations().get(0);
    assertEquals("nvidia.com/gpu", gpu.getKey());
    assertEquals("Exists", gpu.getOperator());
    assertEquals("NoSchedule", gpu.getEffect());
    assertEquals("Memory", volume(pod, "shm").getEmptyDir().getMedium(), "/dev/shm in memory for NCCL");
  }

  @Test
  void gpuCountSetsResourcesAndTensorParallelism() {
    List<HasMetadata> objects = renderExample();
    Container vllm = only(objects);
    assertEquals(new Quantity("4"), vllm.getResources().getLimits().get("nvidia.com/gpu"));
    assertEquals("4", arg(vllm, "--tensor-parallel-size"));
    assertEquals(new Quantity("256Gi"), vllm.getResources().getLimits().get("memory"), "values' limits kept");
    PodSpec pod = pod(objects);
    assertEquals("NVIDIA-H100-80GB-HBM3", pod.getNodeSelector().get("nvidia.com/gpu.product"));
    assertEquals(2, pod.getTolerations().size());
    assertEquals("nvidia", pod.getRuntimeClassName());
    assertEquals(2, statefulSet(objects).getSpec().getReplicas());
  }

  @Test
  void servesTheModelUnderItsServedNameWithTheBatchSize() {
    Container vllm = only(render(Map.of("model.servedModelName", "llama-8b", "model.maxNumSeqs", 64)));
    assertEquals("meta-llama/Llama-3.1-8B-Instruct", arg(vllm, "--model"));
    assertEquals("llama-8b", arg(vllm, "--served-model-name"));
    assertEquals("64", arg(vllm, "--max-num-seqs"));
    assertEquals("8192", arg(vllm, "--max-model-len"));
    assertEquals("0.9", arg(vllm, "--gpu-memory-utilization"));
    assertEquals("8000", arg(vllm, "--port"));
    assertEquals("0.0.0.0", arg(vllm, "--host"));
    assertFalse(only(render(Map.of("model.maxModelLen", 0))).getArgs().contains("--max-model-len"), "0 = the model's own");
    assertTrue(only(renderExample()).getArgs().contains("--enable-prefix-caching"), "extraArgs appended");
  }

  @Test
  void readinessIsHealthOnThePodPortAndTheServicesMatch() {
    List<HasMetadata> objects = render(Map.of());
    Container vllm = only(objects);
    assertEquals("/health", vllm.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/health", vllm.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/health", vllm.getStartupProbe().getHttpGet().getPath());
    assertEquals(1800, vllm.getStartupProbe().getPeriodSeconds() * vllm.getStartupProbe().getFailureThreshold(),
        "30 minutes to download and load a model");
    assertEquals(8000, Workloads.containerPort(vllm, "http"));
    Service service = Charts.named(objects, Service.class, "tollgate-vllm");
    assertEquals(8000, service.getSpec().getPorts().get(0).getPort());
    Service headless = Charts.named(objects, Service.class, "tollgate-vllm-headless");
    assertEquals("None", headless.getSpec().getClusterIP());
    assertEquals("tollgate-vllm-headless", statefulSet(objects).getSpec().getServiceName(), "pod DNS names per replica");
  }

  @Test
  void theModelCacheIsAClaimPerReplicaByDefault() {
    List<HasMetadata> objects = render(Map.of());
    var claims = statefulSet(objects).getSpec().getVolumeClaimTemplates();
    assertEquals(1, claims.size());
    assertEquals("model-cache", claims.get(0).getMetadata().getName());
    assertEquals(new Quantity("100Gi"), claims.get(0).getSpec().getResources().getRequests().get("storage"));
    Container vllm = only(objects);
    assertTrue(vllm.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("model-cache") && m.getMountPath().equals("/models")));
    assertEquals("/models/huggingface", env(vllm, "HF_HOME").getValue());
    assertEquals("/tmp", env(vllm, "HOME").getValue(), "the root filesystem is read-only");
    assertEquals("1", env(vllm, "VLLM_NO_USAGE_STATS").getValue());
  }

  @Test
  void theModelCacheCanBeAHostPathOrASharedClaim() {
    List<HasMetadata> hostPath = renderExample();
    assertTrue(statefulSet(hostPath).getSpec().getVolumeClaimTemplates().isEmpty());
    assertEquals("/mnt/nvme/models", volume(pod(hostPath), "model-cache").getHostPath().getPath());

    List<HasMetadata> shared = render(Map.of("modelCache.pvc.existingClaim", "models"));
    assertTrue(statefulSet(shared).getSpec().getVolumeClaimTemplates().isEmpty());
    assertEquals("models", volume(pod(shared), "model-cache").getPersistentVolumeClaim().getClaimName());

    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> render(Map.of("modelCache.pvc.existingClaim", "models", "replicaCount", 2)));
    assertTrue(refused.getMessage().contains("ReadWriteMany"), refused.getMessage());
  }

  @Test
  void aHuggingFaceTokenComesFromASecret() {
    assertFalse(hasEnv(only(render(Map.of())), "HF_TOKEN"));
    List<HasMetadata> objects = render(Map.of("huggingface.token", "hf_abcdefghijklmnop"));
    Secret secret = Charts.named(objects, Secret.class, "tollgate-vllm-hf");
    assertTrue(secret.getData().containsKey("hf-token"));
    var ref = env(only(objects), "HF_TOKEN").getValueFrom().getSecretKeyRef();
    assertEquals("tollgate-vllm-hf", ref.getName());
    assertEquals("hf-token", ref.getKey());
    var existing = env(only(renderExample()), "HF_TOKEN").getValueFrom().getSecretKeyRef();
    assertEquals("hf-token", existing.getName());
    assertEquals("token", existing.getKey());
  }

  @Test
  void simulatorModeNeedsNoGpu() {
    List<HasMetadata> objects = render(Map.of("mode", "simulator", "model.servedModelName", "demo-llama"));
    Container simulator = only(objects);
    assertEquals("simulator", simulator.getName());
    assertEquals("tollgate/simulator:0.1.0", simulator.getImage());
    assertEquals(List.of("java", "-jar", "/app/tollgate-simulator.jar"), simulator.getCommand());
    assertEquals("demo-llama", arg(simulator, "--served-model-name"));
    assertEquals("256", arg(simulator, "--max-num-seqs"));
    assertFalse(simulator.getArgs().contains("--model"), "--model and --served-model-name are one list in the simulator");
    assertNull(simulator.getResources().getLimits().get("nvidia.com/gpu"));
    assertNull(simulator.getResources().getRequests().get("nvidia.com/gpu"));
    PodSpec pod = pod(objects);
    assertTrue(pod.getNodeSelector() == null || pod.getNodeSelector().isEmpty(), "no GPU node selector");
    assertTrue(pod.getTolerations() == null || pod.getTolerations().isEmpty());
    assertTrue(statefulSet(objects).getSpec().getVolumeClaimTemplates().isEmpty(), "no model cache");
    assertEquals("/health", simulator.getReadinessProbe().getHttpGet().getPath());
  }
}
