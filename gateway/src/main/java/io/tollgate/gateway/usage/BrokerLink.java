package io.tollgate.gateway.usage;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One AMQP connection and confirm-mode channel, used by the publisher thread only. Blocking by
 * nature (the AMQP client is), which is why it never runs on an event loop.
 */
final class BrokerLink implements AutoCloseable {

  private final ConnectionFactory factory;
  private final UsageTopology topology;
  private final long confirmTimeoutMillis;
  private final AtomicBoolean returned = new AtomicBoolean();
  // Written by the publisher thread; read by connected() from anywhere.
  private volatile Connection connection;
  private volatile Channel channel;

  BrokerLink(String url, UsageTopology topology, long confirmTimeoutMillis) {
    this.factory = new ConnectionFactory();
    try {
      factory.setUri(url);
    } catch (Exception e) {
      throw new IllegalArgumentException("rabbitmq.url is not a valid AMQP URI: " + e.getMessage(), e);
    }
    // By the AMQP URI spec "amqp://host/" names the vhost "", which never exists; people mean "/".
    if (java.net.URI.create(url).getRawPath().equals("/")) {
      factory.setVirtualHost("/");
    }
    int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1_000, confirmTimeoutMillis));
    factory.setConnectionTimeout(timeout);
    factory.setHandshakeTimeout(timeout);
    factory.setShutdownTimeout(0);
    // A dead peer is noticed within ~2 heartbeats even when no confirm is awaited.
    factory.setRequestedHeartbeat(5);
    // Recovery is ours: the publisher reconnects, redeclares and replays from the spool.
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    this.topology = topology;
    this.confirmTimeoutMillis = confirmTimeoutMillis;
  }

  boolean isOpen() {
    Connection currentConnection = connection;
    Channel currentChannel = channel;
    return currentChannel != null && currentChannel.isOpen() && currentConnection.isOpen();
  }

  void open() throws IOException, TimeoutException {
    close();
    connection = factory.newConnection("tollgate-gateway-usage");
    try {
      channel = connection.createChannel();
      channel.confirmSelect();
      // mandatory publishes that no queue took come back here, before their confirm.
      channel.addReturnListener(ret -> returned.set(true));
      topology.declare(channel);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Publishes the events as one message ({@link UsageBatch}) and waits for the broker to confirm it.
   * Any failure (nack, returned unroutable, timeout, connection lost) throws, and the caller keeps
   * the events.
   */
  void publishConfirmed(List<byte[]> events) throws IOException, TimeoutException, InterruptedException {
    if (!isOpen()) {
      throw new IOException("not connected");
    }
    returned.set(false);
    channel.basicPublish(topology.exchange(), UsageTopology.ROUTING_KEY, true, UsageBatch.properties(events.size()),
        UsageBatch.body(events));
    // Not waitForConfirmsOrDie: its close of the channel waits on a broker that may not answer.
    if (!channel.waitForConfirms(confirmTimeoutMillis)) {
      throw new IOException("the broker refused (nacked) events");
    }
    if (returned.getAndSet(false)) {
      throw new IOException("the broker returned events as unroutable (is queue " + topology.queue()
          + " bound to exchange " + topology.exchange() + "?)");
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      // abort, with a short wait for the close handshake: the broker may be gone or unresponsive.
      connection.abort(100);
    }
    connection = null;
    channel = null;
  }
}
