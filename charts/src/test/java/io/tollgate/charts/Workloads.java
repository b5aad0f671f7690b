package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.List;

/** Pod templates of the rendered workloads, and small look-ups in them. */
final class Workloads {

  private Workloads() {
  }

  record Workload(HasMetadata owner, PodTemplateSpec template) {
    String name() {
      return owner.getKind() + "/" + owner.getMetadata().getName();
    }
  }

  static List<Workload> all(List<HasMetadata> objects) {
    List<Workload> out = new ArrayList<>();
    for (Deployment d : Charts.all(objects, Deployment.class)) {
      out.add(new Workload(d, d.getSpec().getTemplate()));
    }
    for (StatefulSet s : Charts.all(objects, StatefulSet.class)) {
      out.add(new Workload(s, s.getSpec().getTemplate()));
    }
    return out;
  }

  static Container container(PodTemplateSpec template, String name) {
    return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  static EnvVar env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in container " + container.getName()));
  }

  static boolean hasEnv(Container container, String name) {
    return container.getEnv() != null && container.getEnv().stream().anyMatch(e -> e.getName().equals(name));
  }

  /** The value that follows a flag in the container's args. */
  static String arg(Container container, String flag) {
    List<String> args = container.getArgs();
    int i = args.indexOf(flag);
    if (i < 0 || i + 1 >= args.size()) {
      throw new AssertionError("no " + flag + " in " + args);
    }
    return args.get(i + 1);
  }

  static int containerPort(Container container, String name) {
    return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name + " in container " + container.getName()))
        .getContainerPort();
  }
}
