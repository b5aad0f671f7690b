package io.tollgate.loadtest.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The floor of a Java proxy on this machine, for {@code loadtests/peers.sh --targets floor}: a reverse proxy in
 * plain Netty on the gateway's transport (native epoll, pooled buffers, TCP_NODELAY, one event loop per CPU), with
 * none of the gateway's features (no key, no limits, no JSON, no usage, no log, no metrics). Each event loop keeps
 * its own keep-alive connections to the upstream; a request is forwarded whole, the answer relayed piece by piece
 * as the upstream's are decoded and flushed once per upstream read, with the client's back-pressure pausing the
 * upstream. What the gateway costs beyond this floor is what its own code and Vert.x cost; what the floor costs
 * beyond nginx is what no Java gateway on Netty can save. With {@code --server vertx} the front is Vert.x's HTTP
 * server instead, as the gateway's data plane runs it (the upstream side unchanged): the two floors' difference is
 * what Vert.x's server costs a request, and the gateway's beyond the Vert.x floor its own work.
 *
 * <pre>java -jar loadtests/target/tollgate-loadtest.jar peers-floor --port 8080 --upstream http://127.0.0.1:8000
 * java -jar loadtests/target/tollgate-loadtest.jar peers-floor --server vertx --port 8080 --upstream http://127.0.0.1:8000</pre>
 */
@Command(name = "peers-floor", mixinStandardHelpOptions = true,
    description = {"A featureless Netty reverse proxy (HTTP/1.1, keep-alive upstream pool per event loop): the",
        "Java floor beside nginx and the gateway in loadtests/peers.sh."})
public final class FloorProxy implements Callable<Integer> {

  /** Largest request body forwarded (the peers requests are a few hundred bytes). */
  static final int MAX_REQUEST_BYTES = 1 << 20;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port; 0 = any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--threads", defaultValue = "0",
      description = "Event-loop threads; 0 = one per CPU this process may run on (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--upstream", required = true, description = "The upstream's base URL, http://host:port.")
  URI upstream;

  @Option(names = "--server", defaultValue = "netty",
      description = {"The front: netty (HttpServerCodec and the relay's own handlers) or vertx (Vert.x's HTTP server, "
          + "as the gateway's data plane runs it); the upstream side is plain Netty either way",
          "(default: ${DEFAULT-VALUE})."})
  Front server;

  /** The client-facing side. */
  public enum Front { netty, vertx }

  public static void main(String[] args) {
    System.exit(new CommandLine(new FloorProxy()).execute(args));
  }

  static {
    // The gateway's buffers (NettyBuffers): the pooled allocator, not Netty 4.2's adaptive default.
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "pooled");
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!"http".equals(upstream.getScheme()) || upstream.getPort() < 1) {
      System.err.println("peers-floor: --upstream must be http://host:port");
      return 2;
    }
    Running running = start(host, port, threads, new InetSocketAddress(upstream.getHost(), upstream.getPort()), server);
    System.out.println("peers-floor listening on http://" + host + ":" + running.port() + " (" + server + " front, "
        + running.threads + " event loops, " + (Epoll.isAvailable() ? "epoll" : "nio") + ", upstream " + upstream + ")");
    System.out.flush();
    UntilStopped.await("peers-floor-shutdown", running::close);
    return 0;
  }

  /** A started proxy. */
  public static final class Running implements AutoCloseable {
    private final int port;
    private final int threads;
    private final FloorUpstreams upstreams;
    private final Runnable stop;

    private Running(int port, int threads, FloorUpstreams upstreams, Runnable stop) {
      this.port = port;
      this.threads = threads;
      this.upstreams = upstreams;
      this.stop = stop;
    }

    public int port() {
      return port;
    }

    /** Connections opened to the upstream so far (keep-alive: one per loop and concurrent request, not per request). */
    public long upstreamConnections() {
      return upstreams.opened();
    }

    @Override
    public void close() {
      stop.run();
    }
  }

  public static Running start(String host, int port, int threads, InetSocketAddress upstream, Front front)
      throws Exception {
    int loops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    boolean epoll = Epoll.isAvailable();
    FloorUpstreams upstreams = new FloorUpstreams(upstream, epoll ? EpollSocketChannel.class : NioSocketChannel.class);
    return front == Front.vertx
        ? startVertx(host, port, loops, epoll, upstreams)
        : startNetty(host, port, loops, epoll, upstreams);
  }

  private static Running startNetty(String host, int port, int loops, boolean epoll, FloorUpstreams upstreams)
      throws InterruptedException {
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, io);
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(serverChannel)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                  new FloorClientSide(upstreams));
            }
          })
          .bind(host, port).sync().channel();
      return new Running(((InetSocketAddress) server.localAddress()).getPort(), loops, upstreams, () -> {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      });
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static Running startVertx(String host, int port, int loops, boolean epoll, FloorUpstreams upstreams)
      throws Exception {
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(loops))
        .withTransport(epoll ? Transport.EPOLL : Transport.NIO)
        .build();
    try {
      List<FloorVertxFront> fronts = new CopyOnWriteArrayList<>();
      vertx.deployVerticle(() -> {
        FloorVertxFront front = new FloorVertxFront(host, port, upstreams);
        fronts.add(front);
        return front;
      }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return new Running(fronts.get(0).actualPort(), loops, upstreams, () -> {
        try {
          vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          // stopping anyway
        }
      });
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }
}
