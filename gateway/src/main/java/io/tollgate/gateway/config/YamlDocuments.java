package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Map;

/** Reads YAML (and so JSON, which YAML 1.1 mostly contains) into Vert.x JSON values, safely. */
final class YamlDocuments {

  /** Above the admin API's 10 MiB body limit, so that limit is the one people meet. */
  private static final int MAX_CODE_POINTS = 12 * 1024 * 1024;

  private YamlDocuments() {
  }

  static JsonObject readObject(String text) {
    Object document;
    try {
      document = yaml().load(text);
    } catch (MarkedYAMLException e) {
      throw new ConfigException(describe(e));
    } catch (YAMLException e) {
      throw new ConfigException("not valid YAML: " + e.getMessage());
    }
    if (document == null) {
      throw new ConfigException("the document is empty");
    }
    if (!(toJson(document) instanceof JsonObject object)) {
      throw new ConfigException("the document must be a mapping (a JSON object), got "
          + SnapshotSchema.typeOf(toJson(document)));
    }
    return object;
  }

  /** A new parser per call: SnakeYAML's Yaml is not thread-safe. */
  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);   // a key written twice is a mistake, not an override
    options.setMaxAliasesForCollections(50); // no "billion laughs"
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(50);
    options.setCodePointLimit(MAX_CODE_POINTS);
    DumperOptions dumper = new DumperOptions();
    // SafeConstructor: plain maps, lists and scalars only, never arbitrary Java types.
    return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
  }

  private static String describe(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
    String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
    String context = e.getContext() == null ? "" : e.getContext() + ", ";
    return "not valid YAML: " + where + context + problem;
  }

  /** SnakeYAML's Java values → JSON values; YAML-only types become their nearest JSON form. */
  static Object toJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((k, v) -> object.put(String.valueOf(k), toJson(v)));
      return object;
    }
    if (value instanceof Collection<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof Date date) {
      return date.toInstant().toString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return value; // String, Boolean, Integer, Long, Double or null
  }
}
