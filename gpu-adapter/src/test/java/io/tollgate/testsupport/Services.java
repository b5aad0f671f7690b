package io.tollgate.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The real PostgreSQL, Redis and RabbitMQ the tests use: localhost unless TOLLGATE_TEST_* variables
 * say otherwise. A test that cannot reach one fails, naming it and how to start it; it never skips.
 */
public final class Services {

  public static final String PG_HOST = env("TOLLGATE_TEST_PG_HOST", "127.0.0.1");
  public static final int PG_PORT = Integer.parseInt(env("TOLLGATE_TEST_PG_PORT", "5432"));
  public static final String PG_DATABASE = env("TOLLGATE_TEST_PG_DATABASE", "test");
  public static final String PG_USER = env("TOLLGATE_TEST_PG_USER", "postgres");
  public static final String PG_URL = "postgresql://" + PG_USER + "@" + PG_HOST + ":" + PG_PORT + "/" + PG_DATABASE;
  public static final String JDBC_URL = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + PG_DATABASE;
  public static final String REDIS_HOST = env("TOLLGATE_TEST_REDIS_HOST", "127.0.0.1");
  public static final int REDIS_PORT = Integer.parseInt(env("TOLLGATE_TEST_REDIS_PORT", "6379"));
  public static final String REDIS_URL = "redis://" + REDIS_HOST + ":" + REDIS_PORT;
  public static final String RABBITMQ_HOST = env("TOLLGATE_TEST_RABBITMQ_HOST", "127.0.0.1");
  public static final int RABBITMQ_PORT = Integer.parseInt(env("TOLLGATE_TEST_RABBITMQ_PORT", "5672"));
  public static final String RABBITMQ_URL = "amqp://guest:guest@" + RABBITMQ_HOST + ":" + RABBITMQ_PORT + "/";

  private Services() {
  }

  public static void requirePostgres() {
    require("PostgreSQL", PG_HOST, PG_PORT);
  }

  public static void requireRedis() {
    require("Redis", REDIS_HOST, REDIS_PORT);
  }

  public static void requireRabbitMq() {
    require("RabbitMQ", RABBITMQ_HOST, RABBITMQ_PORT);
  }

  private static void require(String name, String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
    } catch (IOException e) {
      throw new AssertionError(name + " is not reachable on " + host + ":" + port + " (" + e.getMessage()
          + "); start it with scripts/services.sh");
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
