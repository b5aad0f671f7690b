package io.tollgate.loadtest.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
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
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.FastThreadLocal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The floor of a Java proxy on this machine, for {@code loadtests/peers.sh --targets floor}: a reverse proxy in
 * plain Netty on the gateway's transport (native epoll, pooled buffers, TCP_NODELAY, one event loop per CPU), with
 * none of the gateway's features (no key, no limits, no JSON, no usage, no log, no metrics). Each event loop keeps
 * its own keep-alive connections to the upstream; a request is forwarded whole, the answer relayed piece by piece
 * as the upstream's are decoded and flushed once per upstream read, with the client's back-pressure pausing the
 * upstream. What the gateway costs beyond this floor is what its own code and Vert.x cost; what the floor costs
 * beyond nginx is what no Java gateway on Netty can save.
 *
 * <pre>java -jar loadtests/target/tollgate-loadtest.jar peers-floor --port 8080 --upstream http://127.0.0.1:8000</pre>
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

  public static void main(String[] args) {
    System.exit(new CommandLine(new FloorProxy()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!"http".equals(upstream.getScheme()) || upstream.getPort() < 1) {
      System.err.println("peers-floor: --upstream must be http://host:port");
      return 2;
    }
    Running running = start(host, port, threads, new InetSocketAddress(upstream.getHost(), upstream.getPort()));
    System.out.println("peers-floor listening on http://" + host + ":" + running.port() + " (" + running.threads
        + " event loops, " + running.transport + ", upstream " + upstream + ")");
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "peers-floor-shutdown"));
    stopped.await();
    return 0;
  }

  /** A started proxy. */
  public static final class Running implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;
    private final int threads;
    private final String transport;
    private final Upstreams upstreams;

    private Running(EventLoopGroup group, Channel server, int threads, String transport, Upstreams upstreams) {
      this.group = group;
      this.server = server;
      this.threads = threads;
      this.transport = transport;
      this.upstreams = upstreams;
    }

    /** Connections opened to the upstream so far (keep-alive: one per loop and concurrent request, not per request). */
    public long upstreamConnections() {
      return upstreams.opened.sum();
    }

    public int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  public static Running start(String host, int port, int threads, InetSocketAddress upstream) throws InterruptedException {
    int loops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, io);
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Upstreams upstreams = new Upstreams(upstream, epoll ? EpollSocketChannel.class : NioSocketChannel.class);
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
      return new Running(group, server, loops, epoll ? "epoll" : "nio", upstreams);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Keep-alive connections to the upstream, each event loop its own (no locks, no hand-over between loops). */
  static final class Upstreams {
    private final InetSocketAddress address;
    private final Class<? extends Channel> channelClass;
    final String hostHeader;
    final LongAdder opened = new LongAdder();
    private final FastThreadLocal<ArrayDeque<Channel>> idle = new FastThreadLocal<>() {
      @Override
      protected ArrayDeque<Channel> initialValue() {
        return new ArrayDeque<>();
      }
    };

    Upstreams(InetSocketAddress address, Class<? extends Channel> channelClass) {
      this.address = address;
      this.channelClass = channelClass;
      this.hostHeader = address.getHostString() + ":" + address.getPort();
    }

    /** An idle connection of this loop, or a new one; {@code then} gets it connected, or null on failure. */
    void acquire(EventLoop loop, Consumer<Channel> then) {
      ArrayDeque<Channel> pool = idle.get();
      Channel channel;
      while ((channel = pool.pollLast()) != null) {
        if (channel.isActive()) {
          then.accept(channel);
          return;
        }
      }
      opened.increment();
      ChannelFuture connecting = new Bootstrap()
          .group(loop)
          .channel(channelClass)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new FloorUpstreamSide());
            }
          })
          .connect(address);
      connecting.addListener(done -> then.accept(done.isSuccess() ? connecting.channel() : null));
    }

    /** A connection whose answer was read whole: the next request of this loop may use it. */
    void release(Channel channel) {
      if (channel.isActive()) {
        idle.get().addLast(channel);
      }
    }
  }
}
