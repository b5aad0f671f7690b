package io.tollgate.gateway.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live config snapshot. Readers on any thread call {@link #current()} once per request and
 * keep what they got; {@link #apply} validates a new raw snapshot and swaps it in atomically, or
 * refuses it whole and changes nothing.
 */
public final class ConfigHolder {

  private static final Logger LOG = Logger.getLogger(ConfigHolder.class.getName());

  /** The live snapshot together with the document it was parsed from; always a matching pair. */
  public record LiveConfig(ConfigSnapshot snapshot, JsonObject raw) {
    public long version() {
      return snapshot.version();
    }
  }

  /**
   * The outcome of {@link #apply}.
   *
   * @param applied  whether the snapshot is now live
   * @param version  the live version afterwards (the new one, or the unchanged old one if refused)
   * @param errors   every reason for a refusal; empty when applied
   * @param changes  the {@link ConfigDiff} summary; empty object when refused
   */
  public record ApplyResult(boolean applied, long version, List<String> errors, JsonObject changes) {
    public ApplyResult {
      errors = List.copyOf(errors);
    }

    static ApplyResult refused(long version, List<String> errors) {
      return new ApplyResult(false, version, errors, new JsonObject());
    }
  }

  // The raw document held here is never handed out; callers get copies (JsonObject is mutable).
  private final AtomicReference<LiveConfig> live;
  private final List<Consumer<ConfigSnapshot>> listeners = new CopyOnWriteArrayList<>();

  /** Holds a snapshot built or loaded elsewhere; its raw form is written from it. */
  public ConfigHolder(ConfigSnapshot initial) {
    this(initial, SnapshotJson.toJson(initial));
  }

  /** Holds a snapshot and the document it was parsed from. */
  public ConfigHolder(ConfigSnapshot initial, JsonObject raw) {
    live = new AtomicReference<>(new LiveConfig(Objects.requireNonNull(initial), raw.copy()));
  }

  /** Validates and parses {@code raw} as version 1; throws {@link ConfigException} if invalid. */
  public static ConfigHolder fromRaw(JsonObject raw) {
    return new ConfigHolder(SnapshotParser.validateAndParse(raw, 1), raw);
  }

  /** The live snapshot. Lock-free; take it once per request. */
  public ConfigSnapshot current() {
    return live.get().snapshot();
  }

  /** A copy of the document the live snapshot was parsed from. */
  public JsonObject currentRaw() {
    return live.get().raw().copy();
  }

  /** The live snapshot and a copy of its document, read together (never from two versions). */
  public LiveConfig live() {
    LiveConfig now = live.get();
    return new LiveConfig(now.snapshot(), now.raw().copy());
  }

  public long version() {
    return current().version();
  }

  /**
   * Called with each newly applied snapshot, on the thread that applied it, after the swap.
   * Two racing applies may notify out of order: a listener keeps the higher version.
   */
  public void onChange(Consumer<ConfigSnapshot> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /**
   * Validates {@code raw}; refuses it whole on any error, otherwise makes it live as the next
   * version. Safe to call from several threads at once: versions never repeat. CPU-bound (schema
   * validation, parsing): call it off the event loop when the document may be large.
   */
  public ApplyResult apply(JsonObject raw) {
    if (raw == null) {
      return ApplyResult.refused(version(), List.of("(root): the snapshot must be an object"));
    }
    JsonObject document = raw.copy(); // the caller may keep mutating its object
    List<String> errors = SnapshotValidator.validate(document);
    if (!errors.isEmpty()) {
      LOG.warning(() -> "config refused (" + errors.size() + " problem(s)), version "
          + version() + " keeps serving: " + errors);
      return ApplyResult.refused(version(), errors);
    }
    ConfigSnapshot parsed = SnapshotParser.parse(document, 0);
    while (true) {
      LiveConfig before = live.get();
      LiveConfig after = new LiveConfig(parsed.withVersion(before.version() + 1), document);
      if (live.compareAndSet(before, after)) {
        JsonObject changes = ConfigDiff.between(before.snapshot(), after.snapshot());
        LOG.info(() -> "config version " + after.version() + " applied: " + changes.encode());
        notifyListeners(after.snapshot());
        return new ApplyResult(true, after.version(), List.of(), changes);
      }
      // Another apply won the race: retry on top of its version.
    }
  }

  private void notifyListeners(ConfigSnapshot snapshot) {
    for (Consumer<ConfigSnapshot> listener : listeners) {
      try {
        listener.accept(snapshot);
      } catch (RuntimeException e) {
        // The snapshot is live already; one broken listener must not hide it from the others.
        LOG.log(Level.WARNING, "config listener failed on version " + snapshot.version(), e);
      }
    }
  }
}
