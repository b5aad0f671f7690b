package io.tollgate.gateway.config;

import java.util.List;

/**
 * A configuration was refused. Carries every reason at once, so that whoever fixes the file sees
 * all the problems in one go instead of one per attempt.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> reasons;

  public ConfigException(List<String> reasons) {
    super(summary(reasons));
    this.reasons = List.copyOf(reasons);
  }

  public ConfigException(String reason) {
    this(List.of(reason));
  }

  /** Human-readable problems, each prefixed with the path it concerns. */
  public List<String> reasons() {
    return reasons;
  }

  private static String summary(List<String> reasons) {
    String count = reasons.size() == 1 ? "1 problem" : reasons.size() + " problems";
    return "invalid configuration, " + count + ":\n  - " + String.join("\n  - ", reasons);
  }
}
