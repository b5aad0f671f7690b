package io.tollgate.loadtest.workload;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts from a JSON-lines file, one request per line, used in order and cycled when the run asks for more.
 * A line is {@code {"prompt": "…"}} or {@code {"messages": [{"role":…,"content":…}, …]}}, optionally with
 * {@code "system"} and an output length ({@code "output_len"}, {@code "max_tokens"} or
 * {@code "max_completion_tokens"}); without one, {@code --output-len} applies. Blank lines and lines starting
 * with {@code #} are skipped.
 */
public final class PromptsFileWorkload implements Workload {

  private final Path file;
  private final List<RequestSpec> specs;

  private PromptsFileWorkload(Path file, List<RequestSpec> specs) {
    this.file = file;
    this.specs = specs;
  }

  /** Reads the whole file (blocking: call it before the run starts, off any event loop). */
  public static PromptsFileWorkload load(Path file, int defaultOutputLen) throws IOException {
    List<RequestSpec> specs = new ArrayList<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        specs.add(parse(new JsonObject(trimmed), defaultOutputLen));
      } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
        throw new IOException(file + ":" + lineNumber + ": " + e.getMessage(), e);
      }
    }
    if (specs.isEmpty()) {
      throw new IOException(file + " holds no prompts");
    }
    return new PromptsFileWorkload(file, List.copyOf(specs));
  }

  static RequestSpec parse(JsonObject line, int defaultOutputLen) {
    int output = defaultOutputLen;
    for (String key : new String[] {"output_len", "max_completion_tokens", "max_tokens"}) {
      if (line.containsKey(key)) {
        output = line.getInteger(key);
      }
    }
    if (output < 1) {
      throw new IllegalArgumentException("output length must be >= 1");
    }
    String system = line.getString("system");
    JsonArray messages = line.getJsonArray("messages");
    if (messages != null) {
      int words = 0;
      for (int i = 0; i < messages.size(); i++) {
        Object content = messages.getJsonObject(i).getValue("content");
        if (content instanceof String s) {
          words += Words.count(s);
        }
      }
      return new RequestSpec(system, null, messages, words + (system == null ? 0 : Words.count(system)), output);
    }
    String prompt = line.getString("prompt");
    if (prompt == null) {
      throw new IllegalArgumentException("a line needs \"prompt\" or \"messages\"");
    }
    return new RequestSpec(system, prompt, null, Words.count(prompt) + (system == null ? 0 : Words.count(system)),
        output);
  }

  @Override
  public RequestSpec spec(long index) {
    return specs.get((int) (index % specs.size()));
  }

  public int size() {
    return specs.size();
  }

  @Override
  public String describe() {
    return "prompts file " + file + " (" + specs.size() + " prompts)";
  }
}
