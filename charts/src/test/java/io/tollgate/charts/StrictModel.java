package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A check of rendered manifests against the Kubernetes API's own schema, as fabric8 generates its
 * model from it: a field the API does not define lands in a model object's additionalProperties
 * (a typo such as {@code readOnlyRootFileSystem}, a field at the wrong level); a value of the
 * wrong type fails to parse before this. Kinds the model lacks (the Prometheus Operator's
 * ServiceMonitor) stay generic and are checked by their own tests.
 */
final class StrictModel {

  private StrictModel() {
  }

  /** Paths of every field the Kubernetes model does not know, in one object. */
  static List<String> unknownFields(HasMetadata object) {
    List<String> out = new ArrayList<>();
    if (!(object instanceof GenericKubernetesResource)) {
      walk(object, object.getKind(), out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    }
    return out;
  }

  private static void walk(Object node, String path, List<String> out, Set<Object> seen) {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (!(node instanceof KubernetesResource) || node instanceof Quantity || node instanceof IntOrString) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      String name = getter.getName();
      if (!name.startsWith("get") || name.equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (name.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> out.add(path + "." + k));
        }
        continue;
      }
      String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
      walk(value, path + "." + field, out, seen);
    }
  }
}
