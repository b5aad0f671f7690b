package io.tollgate.controlplane.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which methods the router serves on a path: what tells a 405 (the path is served, not with this
 * method) from a 404, and fills the {@code Allow} header. Read from the router's routes once they
 * are all registered, so it cannot drift from them.
 */
final class AllowedMethods {

  private record Served(Pattern path, Set<HttpMethod> methods) {
  }

  private final List<Served> served = new ArrayList<>();

  AllowedMethods(Router router) {
    for (Route route : router.getRoutes()) {
      String path = route.getName();
      if (path == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // handlers for every method (observer, authentication, bodies) say nothing here
      }
      // The routes' paths hold no regex metacharacters but in their regex groups ("/models/(?<id>.+)"),
      // so ":org" becoming one segment makes every one of them a pattern.
      String regex = path.replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "[^/]+");
      served.add(new Served(Pattern.compile(regex), Set.copyOf(route.methods())));
    }
  }

  /** The methods served on {@code path}, sorted by name; empty when no route has the path. */
  Set<String> on(String path) {
    Set<String> methods = new TreeSet<>();
    for (Served route : served) {
      if (route.path().matcher(path).matches()) {
        route.methods().forEach(method -> methods.add(method.name()));
      }
    }
    return methods;
  }
}
