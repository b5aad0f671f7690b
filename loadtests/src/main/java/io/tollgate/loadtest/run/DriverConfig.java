package io.tollgate.loadtest.run;

import io.tollgate.loadtest.client.Endpoint;
import io.tollgate.loadtest.client.Target;
import io.tollgate.loadtest.workload.Workload;

import java.util.List;

/**
 * What the load generator drives, fixed for a whole run.
 *
 * @param targets   one target, or two for a comparison (A, B)
 * @param runId     prefix of every {@code x-request-id}, so a run's requests can be found in server logs
 */
public record DriverConfig(List<Target> targets, Endpoint endpoint, String model, Workload workload,
    boolean ignoreEos, ClientSettings client, String runId) {

  public DriverConfig {
    targets = List.copyOf(targets);
    if (targets.isEmpty() || targets.size() > 2) {
      throw new IllegalArgumentException("one or two targets");
    }
  }
}
