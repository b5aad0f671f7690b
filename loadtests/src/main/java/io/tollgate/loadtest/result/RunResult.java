package io.tollgate.loadtest.result;

import io.tollgate.loadtest.compare.Comparison;
import io.tollgate.loadtest.gateway.GatewayFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one invocation measured: the file {@code result.json} of a report, and what {@code diff} reads.
 *
 * @param scenario  steady, ramp, slow-readers, idle-streams or aborts
 * @param command   the command line, so a reader can run it again
 * @param settings  the options in effect (workload, arrival process, client), as JSON
 * @param phases    one per steady run, one per step of a ramp
 * @param gateway   gateway process figures, or null when not sampled
 * @param ramp      the knee search's outcome (ramp scenario), or null
 * @param notes     things a reader must know (saturated client, target not met, …)
 */
public record RunResult(String scenario, String startedAt, String command, Machine machine, JsonObject settings,
    List<PhaseResult> phases, GatewayFigures gateway, JsonObject ramp, List<String> notes) {

  public static final String SCHEMA = "tollgate-loadtest-result/1";

  public RunResult {
    phases = List.copyOf(phases);
    notes = List.copyOf(notes);
  }

  public boolean comparison() {
    return !phases.isEmpty() && phases.get(0).targets().size() == 2;
  }

  /** B against A in a phase of a comparison run, or null in a single-target run. */
  public Comparison comparison(PhaseResult phase) {
    return phase.targets().size() == 2 ? Comparison.of(phase.targets().get(0), phase.targets().get(1)) : null;
  }

  public JsonObject toJson() {
    JsonArray p = new JsonArray();
    for (PhaseResult phase : phases) {
      JsonObject json = phase.toJson();
      Comparison c = comparison(phase);
      if (c != null) {
        json.put("comparison", c.toJson());
      }
      p.add(json);
    }
    return new JsonObject()
        .put("schema", SCHEMA)
        .put("scenario", scenario)
        .put("startedAt", startedAt)
        .put("command", command)
        .put("machine", machine.toJson())
        .put("settings", settings)
        .put("notes", new JsonArray(new ArrayList<>(notes)))
        .put("ramp", ramp)
        .put("gateway", gateway == null ? null : gateway.toJson())
        .put("phases", p);
  }

  public static RunResult fromJson(JsonObject json) {
    String schema = json.getString("schema", "");
    if (!schema.startsWith("tollgate-loadtest-result/")) {
      throw new IllegalArgumentException("not a Tollgate load-test result (schema '" + schema + "')");
    }
    List<PhaseResult> phases = new ArrayList<>();
    JsonArray p = json.getJsonArray("phases", new JsonArray());
    for (int i = 0; i < p.size(); i++) {
      phases.add(PhaseResult.fromJson(p.getJsonObject(i)));
    }
    List<String> notes = new ArrayList<>();
    JsonArray n = json.getJsonArray("notes", new JsonArray());
    for (int i = 0; i < n.size(); i++) {
      notes.add(n.getString(i));
    }
    return new RunResult(json.getString("scenario"), json.getString("startedAt"), json.getString("command"),
        Machine.fromJson(json.getJsonObject("machine")), json.getJsonObject("settings", new JsonObject()), phases,
        GatewayFigures.fromJson(json.getJsonObject("gateway")), json.getJsonObject("ramp"), notes);
  }
}
