package io.tollgate.loadtest.cli;

import io.tollgate.loadtest.LoadTestMain;

import java.io.PrintStream;

/** Runs {@code diff} as the command line would, output discarded, and returns its exit code. */
public final class DiffCommandProbe {

  private DiffCommandProbe() {
  }

  public static int exitCode(String... args) {
    return exitCodeOf("diff", args);
  }

  public static int exitCodeOf(String command, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    try {
      System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
      System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
      String[] full = new String[args.length + 1];
      full[0] = command;
      System.arraycopy(args, 0, full, 1, args.length);
      return LoadTestMain.commandLine().execute(full);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
