package io.tollgate.loadtest.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fast OpenAI-style upstream for proxy benchmarks ({@code loadtests/peers.sh}): answers
 * {@code POST /v1/chat/completions} at once, with vLLM's shapes, and no model behind it. Non-streamed: a
 * {@code chat.completion} with {@code usage}, {@code max_tokens} tokens of text. Streamed: {@code text/event-stream},
 * chunked, one {@code data: {chat.completion.chunk}} event per HTTP chunk, each written and flushed on its own as
 * vLLM flushes per token ({@code --flush-every N} coalesces N events per socket write instead): the role chunk, {@code max_tokens} token chunks (default 64), a usage chunk when
 * {@code stream_options.include_usage} asks for it (vLLM's default whenever {@code stream_options} is present), then
 * {@code data: [DONE]}. No delay anywhere. Also {@code GET /metrics} (vLLM's queue and KV-cache gauges, which
 * the gateway's least-load routing scrapes), {@code GET /health} and {@code GET /v1/models}.
 *
 * <p>It is the upstream of every target in the comparison, the direct one included, so it is meant to cost as
 * little as possible: plain Netty (no Vert.x layer), an HTTP request decoder only, answers pre-encoded once per
 * shape and written as duplicates of the same direct buffers, the body read with a streaming JSON scan.
 *
 * <pre>java -cp loadtests/target/tollgate-loadtest.jar io.tollgate.loadtest.peers.UpstreamStub --port 8000
 * java -jar loadtests/target/tollgate-loadtest.jar peers-stub --port 8000</pre>
 */
@Command(name = "peers-stub", mixinStandardHelpOptions = true,
    description = {"A fast OpenAI-style upstream stub (vLLM's chat shapes, no delay) for proxy benchmarks:",
        "POST /v1/chat/completions (stream or not), GET /metrics, /health, /v1/models."})
public final class UpstreamStub implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8000", description = "Port; 0 = any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--threads", defaultValue = "0",
      description = "Event-loop threads; 0 = one per CPU this process may run on (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--model", defaultValue = "peers-model",
      description = "Model name of /v1/models and /metrics labels; completions echo the requested model "
          + "(default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--default-max-tokens", defaultValue = "64",
      description = "Tokens generated when a request names no max_tokens (default: ${DEFAULT-VALUE}).")
  int defaultMaxTokens;

  @Option(names = "--flush-every", defaultValue = "1",
      description = {"Flush a stream's socket every N events (default: ${DEFAULT-VALUE}, each event on its own, as "
          + "vLLM flushes per token).", "Larger values coalesce events into fewer writes: a cheaper upstream, "
          + "not vLLM's behaviour."})
  int flushEvery;

  public static void main(String[] args) {
    System.exit(new CommandLine(new UpstreamStub()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (flushEvery < 1 || defaultMaxTokens < 1) {
      System.err.println("peers-stub: --flush-every and --default-max-tokens must be at least 1");
      return 2;
    }
    Running running = start(host, port, threads, model, defaultMaxTokens, flushEvery);
    System.out.println("peers-stub listening on http://" + host + ":" + running.port() + " (" + running.threads()
        + " event loops, model " + model + ", flush every " + flushEvery + " event" + (flushEvery == 1 ? "" : "s")
        + ")");
    System.out.flush();
    UntilStopped.await("peers-stub-shutdown", running::close);
    return 0;
  }

  /** A started stub. */
  public static final class Running implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;
    private final int threads;
    final Shared shared;

    private Running(EventLoopGroup group, Channel server, int threads, Shared shared) {
      this.group = group;
      this.server = server;
      this.threads = threads;
      this.shared = shared;
    }

    public int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int threads() {
      return threads;
    }

    /** Completions answered (both shapes). */
    public long requests() {
      return shared.requests.sum();
    }

    @Override
    public void close() {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  public static Running start(String host, int port, int threads, String model, int defaultMaxTokens)
      throws InterruptedException {
    return start(host, port, threads, model, defaultMaxTokens, 1);
  }

  public static Running start(String host, int port, int threads, String model, int defaultMaxTokens, int flushEvery)
      throws InterruptedException {
    int loops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
    Shared shared = new Shared(model, defaultMaxTokens, flushEvery);
    try {
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpRequestDecoder(), new StubHandler(shared));
            }
          })
          .bind(host, port).sync().channel();
      return new Running(group, server, loops, shared);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** What every connection of one stub shares: the encoded answers and the counters /metrics shows. */
  static final class Shared {
    final int defaultMaxTokens;
    final int flushEvery;
    final StubResponses responses;
    private final String model;
    private final AtomicInteger running = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    /** Ends a request: its last write is done (or failed). */
    final ChannelFutureListener finished = future -> running.decrementAndGet();

    Shared(String model, int defaultMaxTokens, int flushEvery) {
      this.model = model;
      this.defaultMaxTokens = defaultMaxTokens;
      this.flushEvery = flushEvery;
      byte[] id = new byte[16];
      new SecureRandom().nextBytes(id);
      this.responses = new StubResponses("chatcmpl-" + HexFormat.of().formatHex(id), System.currentTimeMillis() / 1000);
    }

    void started(ChatRequest request) {
      running.incrementAndGet();
      requests.increment();
      promptTokens.add(request.promptTokens());
      generationTokens.add(request.maxTokens());
    }

    /** vLLM's v1 engine gauges and counters under their current names (what a router scrapes). */
    String metricsPage() {
      String labels = "{engine=\"0\",model_name=" + StubResponses.quote(model) + "}";
      return "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
          + "# TYPE vllm:num_requests_running gauge\n"
          + "vllm:num_requests_running" + labels + " " + running.get() + ".0\n"
          + "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
          + "# TYPE vllm:num_requests_waiting gauge\n"
          + "vllm:num_requests_waiting" + labels + " 0.0\n"
          + "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.\n"
          + "# TYPE vllm:kv_cache_usage_perc gauge\n"
          + "vllm:kv_cache_usage_perc" + labels + " 0.0\n"
          + "# HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.\n"
          + "# TYPE vllm:prefix_cache_queries_total counter\n"
          + "vllm:prefix_cache_queries_total" + labels + " " + promptTokens.sum() + ".0\n"
          + "# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.\n"
          + "# TYPE vllm:prefix_cache_hits_total counter\n"
          + "vllm:prefix_cache_hits_total" + labels + " 0.0\n"
          + "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n"
          + "# TYPE vllm:prompt_tokens_total counter\n"
          + "vllm:prompt_tokens_total" + labels + " " + promptTokens.sum() + ".0\n"
          + "# HELP vllm:generation_tokens_total Number of generation tokens processed.\n"
          + "# TYPE vllm:generation_tokens_total counter\n"
          + "vllm:generation_tokens_total" + labels + " " + generationTokens.sum() + ".0\n"
          + "# HELP vllm:request_success_total Count of successfully processed requests.\n"
          + "# TYPE vllm:request_success_total counter\n"
          + "vllm:request_success_total{engine=\"0\",finished_reason=\"length\",model_name="
          + StubResponses.quote(model) + "} " + requests.sum() + ".0\n";
    }

    String modelsPage() {
      return "{\"object\":\"list\",\"data\":[{\"id\":" + StubResponses.quote(model) + ",\"object\":\"model\","
          + "\"created\":0,\"owned_by\":\"vllm\",\"root\":" + StubResponses.quote(model) + ",\"parent\":null,"
          + "\"max_model_len\":" + ChatRequest.MAX_TOKENS_LIMIT + ",\"permission\":[]}]}";
    }
  }
}
