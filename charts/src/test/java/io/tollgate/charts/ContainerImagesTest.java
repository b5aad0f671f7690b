package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository's Dockerfile builds the images the charts run: for every Tollgate container the
 * charts render (a {@code java -jar} command), the image's last repository segment is a Dockerfile
 * target, that target copies a jar the Maven build makes to the path the command names, and
 * neither the image nor the chart runs it as root. (No Docker engine runs in CI here, so the
 * build itself is not exercised; this keeps the two from drifting apart.)
 */
class ContainerImagesTest {

  private static final Pattern FROM = Pattern.compile("(?im)^FROM\\s+(\\S+)\\s+AS\\s+(\\S+)\\s*$");
  private static final Pattern COPY_JAR = Pattern.compile("(?im)^COPY\\s+--from=build\\s+/src/(\\S+)/target/(\\S+\\.jar)\\s+(\\S+)\\s*$");
  private static final Pattern USER = Pattern.compile("(?im)^USER\\s+(\\d+)(?::(\\d+))?\\s*$");

  /** A Dockerfile stage: its base and its own lines. */
  private record Stage(String base, String body) {
  }

  private static Map<String, Stage> stages() throws IOException {
    String text = Files.readString(Charts.repository().resolve("Dockerfile"));
    Map<String, Stage> stages = new LinkedHashMap<>();
    Matcher from = FROM.matcher(text);
    List<int[]> bounds = new ArrayList<>();
    List<String[]> heads = new ArrayList<>();
    while (from.find()) {
      bounds.add(new int[] {from.start(), from.end()});
      heads.add(new String[] {from.group(1), from.group(2)});
    }
    for (int i = 0; i < heads.size(); i++) {
      int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : text.length();
      stages.put(heads.get(i)[1], new Stage(heads.get(i)[0], text.substring(bounds.get(i)[1], end)));
    }
    return stages;
  }

  /** A stage's user, inherited from its base stage when it sets none. */
  private static Long user(Map<String, Stage> stages, String name) {
    for (Stage stage = stages.get(name); stage != null; stage = stages.get(stage.base())) {
      Matcher user = USER.matcher(stage.body());
      if (user.find()) {
        return Long.parseLong(user.group(1));
      }
    }
    return null;
  }

  private static List<Workloads.Workload> renderedWorkloads() {
    List<HasMetadata> objects = new ArrayList<>();
    for (String chart : Charts.ALL) {
      objects.addAll(Charts.parse(Charts.template(chart, List.of(Charts.exampleValues(chart)), Map.of())));
    }
    objects.addAll(Charts.parse(Charts.template("vllm", List.of(), Map.of("mode", "simulator"))));
    return Workloads.all(objects);
  }

  @Test
  void everyTollgateContainerTheChartsRunIsADockerfileTargetWithItsJarAndUser() throws IOException {
    Map<String, Stage> stages = stages();
    int checked = 0;
    for (Workloads.Workload workload : renderedWorkloads()) {
      PodSecurityContext pod = workload.template().getSpec().getSecurityContext();
      for (Container container : workload.template().getSpec().getContainers()) {
        List<String> command = container.getCommand();
        if (command == null || command.size() < 3 || !command.get(0).equals("java") || !command.get(1).equals("-jar")) {
          continue;
        }
        String where = workload.name() + " container " + container.getName();
        String repository = container.getImage().replaceFirst(":[^:/]+$", "");
        String target = repository.substring(repository.lastIndexOf('/') + 1);
        Stage stage = stages.get(target);
        assertNotNull(stage, where + ": image " + container.getImage() + " has no Dockerfile target " + target);

        Matcher copy = COPY_JAR.matcher(stage.body());
        boolean found = false;
        while (copy.find()) {
          if (copy.group(3).equals(command.get(2))) {
            found = true;
            String module = copy.group(1);
            String jar = copy.group(2);
            String pom = Files.readString(Charts.repository().resolve(module).resolve("pom.xml"));
            assertTrue(pom.contains("<finalName>" + jar.replace(".jar", "") + "</finalName>"),
                where + ": " + module + "/pom.xml builds no " + jar);
          }
        }
        assertTrue(found, where + ": target " + target + " copies no jar to " + command.get(2));

        // The kubelet can enforce runAsNonRoot without a runAsUser only for a numeric, non-zero USER;
        // with one, the chart's user wins and the jar (world-readable) and /tmp (emptyDir) still work.
        SecurityContext own = container.getSecurityContext();
        Long chartUser = own != null && own.getRunAsUser() != null ? own.getRunAsUser()
            : pod == null ? null : pod.getRunAsUser();
        Long imageUser = user(stages, target);
        assertNotNull(imageUser, where + ": target " + target + " sets no numeric USER");
        assertTrue(imageUser > 0 && (chartUser == null || chartUser > 0), where + ": runs as root");
        checked++;
      }
    }
    assertTrue(checked >= 3, "gateway, analytics consumer and simulator containers at least; checked " + checked);
  }

  @Test
  void theImagesRunAsANonRootUserAndTheBuildSkipsNoModuleTheyNeed() throws IOException {
    Map<String, Stage> stages = stages();
    String text = Files.readString(Charts.repository().resolve("Dockerfile"));
    for (Map.Entry<String, Stage> stage : stages.entrySet()) {
      Matcher copy = COPY_JAR.matcher(stage.getValue().body());
      while (copy.find()) {
        assertTrue(text.matches("(?s).*-pl [^\\n]*\\b" + Pattern.quote(copy.group(1)) + "\\b.*"),
            "the build stage packages " + copy.group(1) + " (target " + stage.getKey() + ")");
        Long user = user(stages, stage.getKey());
        assertNotNull(user, stage.getKey() + " sets a USER");
        assertFalse(user == 0, stage.getKey() + " must not run as root");
      }
    }
    assertFalse(Files.readString(Charts.repository().resolve(".dockerignore")).isBlank(), ".dockerignore keeps target/ and .git out");
  }
}
