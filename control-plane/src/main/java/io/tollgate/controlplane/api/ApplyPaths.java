package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateways' snapshot's paths ({@code $.models[3].backends[0]}) as paths into the apply file
 * ({@code $.routes[1].backends[0]}), so that a refusal of the config the file would make points at
 * the line that makes it. A snapshot model is a route (its prices are its model's), a snapshot org
 * an org, the defaults the policy named "default". What the file does not name keeps the snapshot's
 * path, with the object it belongs to said in words.
 */
final class ApplyPaths {

  private static final Pattern ENTRY = Pattern.compile("^\\$\\.(models|backends|orgs)\\[(\\d+)](.*)$");

  private ApplyPaths() {
  }

  static List<Problem> inFile(List<Problem> errors, JsonObject snapshot, JsonObject file) {
    return errors.stream().map(error -> inFile(error, snapshot, file)).toList();
  }

  private static Problem inFile(Problem error, JsonObject snapshot, JsonObject file) {
    if (error.path().startsWith("$.defaults")) {
      int index = indexOf(file, "policies", "name", "default");
      return index < 0 ? error : new Problem("$.policies[" + index + "]", error.reason());
    }
    Matcher m = ENTRY.matcher(error.path());
    if (!m.matches()) {
      return error;
    }
    String kind = m.group(1);
    String rest = m.group(3);
    JsonObject entry = snapshot.getJsonArray(kind, new JsonArray()).getValue(Integer.parseInt(m.group(2)))
        instanceof JsonObject o ? o : new JsonObject();
    String id = entry.getString(kind.equals("models") ? "name" : "id");
    String section = kind.equals("models") && !rest.startsWith(".prices") ? "routes" : kind;
    String idField = switch (section) {
      case "routes" -> "model";
      case "models", "orgs" -> "name";
      default -> "id";
    };
    int index = id == null ? -1 : indexOf(file, section, idField, id);
    if (index < 0) {
      return new Problem(error.path(), error.reason() + " (" + section + " " + id + ", which the file does not name)");
    }
    return new Problem("$." + section + "[" + index + "]" + rest, error.reason());
  }

  private static int indexOf(JsonObject file, String section, String idField, String id) {
    if (!(file.getValue(section) instanceof JsonArray list)) {
      return -1;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.getValue(i) instanceof JsonObject entry && id.equals(entry.getValue(idField))) {
        return i;
      }
    }
    return -1;
  }
}
