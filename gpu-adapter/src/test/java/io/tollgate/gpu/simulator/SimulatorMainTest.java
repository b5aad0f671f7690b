package io.tollgate.gpu.simulator;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorMainTest {

  @Test
  void everyConfigFieldAndFaultHasAFlag() {
    SimulatorMain main = SimulatorMain.parse("--host", "0.0.0.0", "--port", "9001", "--model", "a,b",
        "--max-model-len", "4096", "--prefill-ms-per-token", "0.2", "--inter-token-ms", "5", "--max-num-seqs", "8",
        "--kv-cache-tokens", "10000", "--no-prefix-caching", "--seed", "7", "--default-max-tokens", "9",
        "--embedding-dimensions", "4", "--error-rate", "0.5", "--error-status", "503",
        "--stall-before-first-token-ms", "10", "--fail-after-tokens", "3", "--stall-after-tokens", "4",
        "--extra-token-delay-ms", "1.5", "--pooling-model", "p1,p2", "--transcription-model", "w",
        "--max-num-queued-reqs", "5", "--max-num-queued-tokens", "100", "--no-responses-store", "--api-key", "k", "--responses-failed-event",
        "--ssl-certfile", "/tls/cert.pem", "--ssl-keyfile", "/tls/key.pem");
    assertEquals(new SimulatorConfig("0.0.0.0", 9001, List.of("a", "b"), 4096, 0.2, 5, 8, 10_000, false, 7, 9, 4,
        List.of("p1", "p2"), List.of("w"), 5, 100, false, "k", true, "/tls/cert.pem", "/tls/key.pem"), main.config());
    assertEquals(new SimulatorFaults(0.5, 503, 10, 3, 4, 1.5), main.faults());
  }

  @Test
  void modelNoneServesOnlyThePoolingAndTranscriptionModels() {
    SimulatorConfig config = SimulatorMain.parse("--model", "none", "--pooling-model", "bge-reranker").config();
    assertEquals(List.of(), config.models());
    assertEquals(List.of("bge-reranker"), config.allModels());
    assertEquals(SimulatorConfig.ModelKind.POOLING, config.kindOf("bge-reranker"));
  }

  @Test
  void defaultsMatchTheLibraryDefaultsExceptThePort() {
    SimulatorMain main = SimulatorMain.parse();
    assertEquals(SimulatorConfig.defaults().withPort(8000), main.config());
    assertEquals(SimulatorFaults.none(), main.faults());
  }

  @Test
  void helpDocumentsTheOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new SimulatorMain());
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    String help = out.toString();
    for (String flag : List.of("--port", "--model", "--inter-token-ms", "--kv-cache-tokens", "--error-rate",
        "--fail-after-tokens", "/sim/faults")) {
      assertTrue(help.contains(flag), flag + " in\n" + help);
    }
  }
}
