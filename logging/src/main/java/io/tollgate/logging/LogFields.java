package io.tollgate.logging;

import java.util.function.BiConsumer;

/**
 * A log record's structured fields, passed as its first parameter and written by the formatter as
 * they are visited: no map is built for a line (the access log writes one per request).
 */
@FunctionalInterface
public interface LogFields {

  /** Visits each field in order; values are strings, numbers, booleans or null. */
  void forEach(BiConsumer<String, Object> field);

  /** The fields of a record, whether given as {@link LogFields} or as a Vert.x JSON object; else null. */
  static LogFields of(Object[] params) {
    if (params == null || params.length == 0) {
      return null;
    }
    if (params[0] instanceof LogFields fields) {
      return fields;
    }
    if (params[0] instanceof io.vertx.core.json.JsonObject json) {
      return field -> json.forEach(entry -> field.accept(entry.getKey(), entry.getValue()));
    }
    return null;
  }
}
