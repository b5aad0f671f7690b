package io.tollgate.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The charts of this folder, copied once per test JVM to {@code target/chart-work} (plain files, no
 * symlinks) with the umbrella's {@code file://} dependencies packaged into
 * {@code tollgate/charts/} by {@code helm dependency build}, offline. Helm runs in-process through
 * helm-java's native library.
 */
final class Charts {

  static final List<String> ALL = List.of("gateway", "analytics-consumer", "control-plane", "vllm", "tollgate");
  static final String RELEASE = "tollgate";
  /** The Kubernetes version templates are rendered for (helm-java defaults to 1.20). */
  static final String KUBE_VERSION = "1.31.0";

  private static final Path MODULE = locateModule();
  private static final Path WORK = MODULE.resolve("target/chart-work");
  private static volatile boolean prepared;

  private Charts() {
  }

  /** The charts module folder (the one holding gateway/, vllm/, … and this pom). */
  static Path module() {
    return MODULE;
  }

  /** The repository root (parent of charts/). */
  static Path repository() {
    return MODULE.getParent();
  }

  /** The source folder of a chart (not the working copy). */
  static Path source(String chart) {
    return MODULE.resolve(chart);
  }

  /** The working copy of a chart, dependencies built. */
  static synchronized Path chart(String chart) {
    if (!prepared) {
      FakeKubernetesApi.start();
      prepare();
      prepared = true;
    }
    return WORK.resolve(chart);
  }

  static Path exampleValues(String chart) {
    return source(chart).resolve("ci/example-values.yaml");
  }

  /** {@code helm template} of a chart with the given values files (in order) and --set pairs. */
  static String template(String chart, List<Path> valuesFiles, Map<String, Object> sets) {
    TemplateCommand command = new Helm(chart(chart)).template().withName(RELEASE).withNamespace("ai")
        .withKubeVersion(KUBE_VERSION);
    valuesFiles.forEach(command::withValuesFile);
    sets.forEach(command::set);
    return command.call();
  }

  static String template(String chart) {
    return template(chart, List.of(), Map.of());
  }

  /**
   * {@code helm lint --strict}. helm-java's lint takes no values file, so a values file is merged
   * into a copy of the chart's values.yaml (maps merged deeply, anything else replaced: Helm's own
   * rule), and that copy is linted.
   */
  static LintResult lint(String chart, Path valuesFile) {
    Path dir = chart(chart);
    if (valuesFile != null) {
      Path copy = WORK.resolve("lint-" + chart + "-" + valuesFile.getFileName().toString().replace(".yaml", ""));
      copyTree(dir, copy);
      Map<String, Object> merged = merge(readYaml(dir.resolve("values.yaml")), readYaml(valuesFile));
      writeYaml(copy.resolve("values.yaml"), merged);
      dir = copy;
    }
    return new Helm(dir).lint().strict().call();
  }

  /** Rendered documents as typed Kubernetes objects (kinds the model lacks become generic ones). */
  static List<HasMetadata> parse(String rendered) {
    List<HasMetadata> out = new ArrayList<>();
    for (String document : rendered.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
        continue;
      }
      KubernetesResource resource = Serialization.unmarshal(document);
      if (!(resource instanceof HasMetadata object)) {
        throw new AssertionError("not a Kubernetes object:\n" + document);
      }
      out.add(object);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(o -> (T) o).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " in "
            + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
  }

  static Map<String, Object> readYaml(Path file) {
    try {
      Object loaded = yaml().load(Files.readString(file));
      return loaded == null ? new LinkedHashMap<>() : asMap(loaded);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  static Yaml yaml() {
    LoaderOptions loader = new LoaderOptions();
    loader.setAllowDuplicateKeys(false);
    DumperOptions dumper = new DumperOptions();
    dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader);
  }

  /** Helm's coalescing of a values file over defaults: maps deeply, other values replaced. */
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    over.forEach((key, value) -> {
      Object current = out.get(key);
      if (current instanceof Map<?, ?> a && value instanceof Map<?, ?> b) {
        out.put(key, merge(asMap(a), asMap(b)));
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  private static void writeYaml(Path file, Map<String, Object> values) {
    try {
      Files.writeString(file, yaml().dump(values));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void prepare() {
    deleteTree(WORK);
    for (String chart : ALL) {
      if (Files.isDirectory(source(chart))) {
        copyTree(source(chart), WORK.resolve(chart), source(chart).resolve("charts"));
      }
    }
    if (!Files.isDirectory(WORK.resolve("tollgate"))) {
      return;
    }
    // The umbrella's dependencies are file://../<chart>: helm packages the sibling copies into
    // tollgate/charts/*.tgz, checking Chart.lock against Chart.yaml; no repository is contacted.
    new Helm(WORK.resolve("tollgate")).dependency().build().skipRefresh().call();
  }

  static void copyTree(Path from, Path to) {
    copyTree(from, to, null);
  }

  /** Copies a folder, leaving out what is under {@code skip} (a developer's own packaged subcharts). */
  static void copyTree(Path from, Path to, Path skip) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path relative = from.relativize(path);
        if (skip != null && path.startsWith(skip)) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isSymbolicLink(path)) {
          throw new AssertionError("symlink in a chart (Helm packages refuse them): " + path);
        }
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locateModule() {
    Path here = Path.of("").toAbsolutePath();
    for (Path candidate : List.of(here, here.resolve("charts"))) {
      if (Files.isDirectory(candidate.resolve("gateway/templates"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("run from the charts module or the repository root, not " + here);
  }
}
