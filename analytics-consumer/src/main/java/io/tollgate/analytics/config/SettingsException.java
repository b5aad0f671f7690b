package io.tollgate.analytics.config;

import java.util.List;

/** The configuration is unusable; every reason found, not just the first. */
public final class SettingsException extends RuntimeException {

  private final List<String> reasons;

  public SettingsException(List<String> reasons) {
    super(String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }
}
