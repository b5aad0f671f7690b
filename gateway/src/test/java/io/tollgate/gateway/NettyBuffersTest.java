package io.tollgate.gateway;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NettyBuffersTest {

  @Test
  void thePooledAllocatorIsChosenUnlessTheOperatorNamedOne() {
    Properties none = new Properties();
    assertEquals("pooled", NettyBuffers.choose(none));
    assertEquals("pooled", none.getProperty("io.netty.allocator.type"));

    Properties blank = new Properties();
    blank.setProperty("io.netty.allocator.type", " ");
    assertEquals("pooled", NettyBuffers.choose(blank));

    Properties named = new Properties();
    named.setProperty("io.netty.allocator.type", "adaptive");
    assertEquals("adaptive", NettyBuffers.choose(named));
    assertEquals("adaptive", named.getProperty("io.netty.allocator.type"), "an operator's choice is kept");
  }
}
