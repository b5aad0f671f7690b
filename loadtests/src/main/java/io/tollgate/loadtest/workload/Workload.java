package io.tollgate.loadtest.workload;

/**
 * The requests of a run. {@code spec(i)} is a pure function of i (and the seed), so the same index gives the
 * same request to both targets of a comparison and the same run can be repeated.
 */
public interface Workload {

  RequestSpec spec(long index);

  /** One line for the report, e.g. "random input 1024±0% output 128±0%". */
  String describe();
}
