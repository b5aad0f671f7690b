package io.tollgate.analytics.ingest;

import com.rabbitmq.client.ConnectionFactory;

import java.net.URI;

/** Connection factories from an amqp:// URL, with recovery left to the caller. */
final class AmqpConnections {

  private AmqpConnections() {
  }

  static ConnectionFactory factory(String url) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(url);
    } catch (Exception e) {
      throw new IllegalArgumentException("rabbitmq.url is not a valid AMQP URI: " + e.getMessage(), e);
    }
    // By the AMQP URI spec "amqp://host/" names the vhost "", which never exists; people mean "/".
    if ("/".equals(URI.create(url).getRawPath())) {
      factory.setVirtualHost("/");
    }
    factory.setConnectionTimeout(5_000);
    factory.setHandshakeTimeout(5_000);
    factory.setRequestedHeartbeat(5);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    return factory;
  }
}
