package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs tollgate-admin in-process against a running control plane with one token. */
record CliRunner(RunningControlPlane cp, String token) {

  record Result(int code, String out, String err) {
  }

  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint", "http://127.0.0.1:" + cp.plane.port(), "--token", token, "--config",
        "/nonexistent/admin.yaml"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Result(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }
}
