package io.tollgate.loadtest.scenario;

import java.util.Locale;

/**
 * The questions users ask, one command each. A scenario only chooses defaults (every option given on the
 * command line wins) and, for ramp, repeats phases; the measuring is the same for all.
 */
public enum Scenario {

  /** A fixed request rate: latency and throughput at a given load. */
  STEADY("steady", new ScenarioDefaults(10, 0, 300, 1024, 128, false, 0, 0, 0, 0),
      "arrivals at a fixed rate (Poisson by default), a fixed count or duration"),

  /** Rising rate, one fixed-duration step after another, until goodput falls away from the offered load. */
  RAMP("ramp", new ScenarioDefaults(2, 0, 0, 1024, 128, false, 0, 0, 0, 0),
      "steps of rising request rate until fewer than --knee-fraction of requests meet the --goodput SLOs"),

  /** Many clients that read slowly: memory of the server in front must stay flat (back-pressure). */
  SLOW_READERS("slow-readers", new ScenarioDefaults(100, 1000, 1000, 128, 1000, true, 40, 0, 16_384, 0),
      "1,000 streams whose clients read one SSE event per --read-delay-ms, socket paused in between"),

  /** Thousands of open streams that wait for their first token. */
  IDLE_STREAMS("idle-streams", new ScenarioDefaults(Double.POSITIVE_INFINITY, 2000, 2000, 32, 16, true, 0, 0, 0,
      15_000), "2,000 streams opened at once, all waiting for the first token (the simulator holds it)"),

  /** Clients that hang up mid-stream: the server must notice and stop generating. */
  ABORTS("aborts", new ScenarioDefaults(20, 100, 400, 256, 256, true, 0, 0.5, 0, 0),
      "half the clients close the connection after a random number of tokens");

  private final String cliName;
  private final ScenarioDefaults defaults;
  private final String description;

  Scenario(String cliName, ScenarioDefaults defaults, String description) {
    this.cliName = cliName;
    this.defaults = defaults;
    this.description = description;
  }

  public String cliName() {
    return cliName;
  }

  public ScenarioDefaults defaults() {
    return defaults;
  }

  public String description() {
    return description;
  }

  public static Scenario parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Scenario s : values()) {
      if (s.cliName.equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + name + "'; one of steady, ramp, slow-readers, "
        + "idle-streams, aborts");
  }

  @Override
  public String toString() {
    return cliName;
  }
}
