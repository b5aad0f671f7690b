package io.tollgate.analytics.config;

/**
 * The usage store.
 *
 * @param url      postgresql://user[:password]@host:port/database
 * @param schema   schema holding the tables (created by the migrations when missing)
 * @param poolSize connections for ingest and the API together
 */
public record DatabaseSettings(String url, String schema, int poolSize) {

  public DatabaseSettings withSchema(String newSchema) {
    return new DatabaseSettings(url, newSchema, poolSize);
  }
}
