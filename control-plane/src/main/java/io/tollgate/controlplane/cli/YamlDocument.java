package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML file as JSON, and the line each of its values starts on, by JSON path ({@code $.routes[1].backends[0]}):
 * the control plane reports problems by path, the CLI shows them by file and line. The values are
 * SnakeYAML's own (its type rules: numbers, booleans, null, timestamps); the lines come from its
 * node tree of the same text.
 */
record YamlDocument(Path file, Object json, Map<String, Integer> lines) {

  static YamlDocument read(Path file) throws IOException {
    String text = Files.readString(file);
    // A key written twice (two budget: lines) is refused, with its line, rather than the last winning.
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(options);
    Object values = yaml.load(text);
    Node root = yaml.compose(new java.io.StringReader(text));
    Map<String, Integer> lines = new HashMap<>();
    if (root != null) {
      walk(root, "$", lines);
    }
    return new YamlDocument(file, toJson(values), lines);
  }

  /** "file:line" of the value at {@code path}, or of the nearest enclosing value the file has. */
  String where(String path) {
    String at = path;
    while (true) {
      Integer line = lines.get(at);
      if (line != null) {
        return file + ":" + line;
      }
      int cut = Math.max(at.lastIndexOf('.'), at.lastIndexOf('['));
      if (cut <= 0) {
        return file.toString();
      }
      at = at.substring(0, cut);
    }
  }

  private static void walk(Node node, String path, Map<String, Integer> lines) {
    lines.putIfAbsent(path, node.getStartMark().getLine() + 1);
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          String child = path + "." + key.getValue();
          // A field's line is its key's, which is where a reader looks for it.
          lines.put(child, key.getStartMark().getLine() + 1);
          walk(tuple.getValueNode(), child, lines);
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        walk(items.get(i), path + "[" + i + "]", lines);
      }
    }
  }

  /** YAML values as JSON; a timestamp (an unquoted date) becomes its ISO-8601 instant. */
  private static Object toJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, item) -> object.put(String.valueOf(key), toJson(item)));
      return object;
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (value instanceof Date date) {
      return date.toInstant().toString();
    }
    return value;
  }
}
