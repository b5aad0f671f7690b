package io.tollgate.gateway.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment names the platform's services share. One setting has one name in every service
 * (the control plane, the gateways, the analytics consumer); a name this gateway used to read is
 * still accepted, with a deprecation warning, so an existing deployment keeps its meaning.
 *
 * <p>Why it matters: a gateway reading {@code TOLLGATE_REDIS_KEY_PREFIX} while the control plane read
 * {@code TOLLGATE_REDIS_PREFIX} started cleanly and then refused every key as "Incorrect API key".
 */
public final class SharedEnvironment {

  /** Prefix of every Redis key and channel: the control plane's key records and announcements, the limits. */
  public static final String REDIS_PREFIX = "TOLLGATE_REDIS_PREFIX";
  /** The HMAC key of every API key hash: the same in the control plane and every gateway. */
  public static final String KEY_PEPPER = "TOLLGATE_KEY_PEPPER";

  /** Old name → the shared one. */
  static final Map<String, String> DEPRECATED = Map.of("TOLLGATE_REDIS_KEY_PREFIX", REDIS_PREFIX);

  private SharedEnvironment() {
  }

  /**
   * The environment with each deprecated name copied to its shared name when only the old one is set.
   *
   * @param warnings  one line per deprecated name in use
   * @param problems  one line per old and new name set to different values (the gateway must not guess)
   */
  public record Resolved(Map<String, String> env, List<String> warnings, List<String> problems) {
  }

  public static Resolved resolve(Map<String, String> env) {
    Map<String, String> resolved = new HashMap<>(env);
    List<String> warnings = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    DEPRECATED.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(alias -> {
      String old = env.get(alias.getKey());
      if (old == null) {
        return;
      }
      String current = env.get(alias.getValue());
      if (current == null) {
        resolved.put(alias.getValue(), old);
        warnings.add(alias.getKey() + " is deprecated: set " + alias.getValue()
            + " instead (the control plane and the gateways share that name); using \"" + old + "\"");
      } else if (!current.equals(old)) {
        problems.add(alias.getKey() + " (\"" + old + "\") and " + alias.getValue() + " (\"" + current
            + "\") differ: set only " + alias.getValue() + ", the name the control plane reads too");
      } else {
        warnings.add(alias.getKey() + " is deprecated and equals " + alias.getValue() + ": remove it");
      }
    });
    return new Resolved(Map.copyOf(resolved), List.copyOf(warnings), List.copyOf(problems));
  }
}
