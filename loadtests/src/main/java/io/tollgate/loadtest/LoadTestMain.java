package io.tollgate.loadtest;

import io.tollgate.loadtest.cli.DiffCommand;
import io.tollgate.loadtest.cli.ReportCommand;
import io.tollgate.loadtest.cli.RunCommand;
import io.tollgate.loadtest.peers.FloorProxy;
import io.tollgate.loadtest.peers.QueueDrain;
import io.tollgate.loadtest.peers.UpstreamStub;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The load-test harness's command line: {@code run}, {@code diff}, {@code report}, {@code peers-stub}, {@code peers-floor}, {@code peers-drain}. */
@Command(name = "tollgate-loadtest", mixinStandardHelpOptions = true, version = "tollgate-loadtest 0.1.0",
    description = {"Streaming load tests for OpenAI-compatible LLM servers (a gateway, vLLM, the simulator),",
        "with vLLM bench serve's figures: TTFT, TPOT, ITL, E2EL, throughput, goodput."},
    subcommands = {RunCommand.class, DiffCommand.class, ReportCommand.class, UpstreamStub.class, FloorProxy.class, QueueDrain.class,
        CommandLine.HelpCommand.class})
public final class LoadTestMain implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new LoadTestMain()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
