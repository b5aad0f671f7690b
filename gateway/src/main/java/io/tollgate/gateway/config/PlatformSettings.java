package io.tollgate.gateway.config;

/**
 * The services of platform mode; a null member means standalone behaviour for that concern.
 *
 * @param redis     shared limits, budgets and key records (null: in-process limits, keys from YAML)
 * @param rabbitmq  usage events to RabbitMQ (null: usage to the local JSON-lines spool)
 */
public record PlatformSettings(RedisSettings redis, RabbitSettings rabbitmq) {

  public static final PlatformSettings STANDALONE = new PlatformSettings(null, null);

  public PlatformSettings withRedis(RedisSettings newRedis) {
    return new PlatformSettings(newRedis, rabbitmq);
  }

  public PlatformSettings withRabbitmq(RabbitSettings newRabbitmq) {
    return new PlatformSettings(redis, newRabbitmq);
  }
}
