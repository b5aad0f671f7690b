package io.tollgate.analytics.config;

/**
 * Everything the analytics consumer reads at start (config/analytics-consumer.yaml plus the
 * environment).
 */
public record AnalyticsSettings(BrokerSettings rabbitmq, DatabaseSettings postgres, ApiSettings api) {

  public AnalyticsSettings withRabbitmq(BrokerSettings newRabbitmq) {
    return new AnalyticsSettings(newRabbitmq, postgres, api);
  }

  public AnalyticsSettings withPostgres(DatabaseSettings newPostgres) {
    return new AnalyticsSettings(rabbitmq, newPostgres, api);
  }

  public AnalyticsSettings withApi(ApiSettings newApi) {
    return new AnalyticsSettings(rabbitmq, postgres, newApi);
  }
}
