package io.tollgate.controlplane.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command answers --help and -h (even without its required parameters), says what it does,
 * and names and describes each parameter and option; options with a fixed set of values list them.
 */
class CliHelpTest {

  /** Every command path: [], [orgs], [orgs, create], ... */
  private static List<List<String>> commands(CommandLine line, List<String> path, List<List<String>> into) {
    into.add(path);
    line.getSubcommands().forEach((name, sub) -> {
      List<String> child = new ArrayList<>(path);
      child.add(name);
      commands(sub, child, into);
    });
    return into;
  }

  private record Printed(int code, String out, String err) {
  }

  private static Printed run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Printed(cli.execute(args.toArray(String[]::new)), out.toString(), err.toString());
  }

  @Test
  void everyCommandAnswersHelpWithNamedDescribedParameters() {
    List<List<String>> all = commands(AdminCli.commandLine(), List.of(), new ArrayList<>());
    assertTrue(all.size() > 40, "commands: " + all.size());
    for (List<String> path : all) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Printed help = run(args);
        assertEquals(0, help.code(), args + ": " + help.err());
        assertTrue(help.out().startsWith("Usage: tollgate-admin"), args + ": " + help.out());
        assertFalse(help.out().contains("<arg"), args + " has an unnamed parameter:\n" + help.out());
      }
    }
    CommandLine root = AdminCli.commandLine();
    for (List<String> path : all) {
      CommandLine line = root;
      for (String name : path) {
        line = line.getSubcommands().get(name);
      }
      CommandSpec spec = line.getCommandSpec();
      assertTrue(spec.usageMessage().description().length > 0, path + " has no description");
      for (OptionSpec option : spec.options()) {
        assertTrue(option.description().length > 0 && !option.description()[0].isBlank(),
            path + " " + option.longestName() + " has no description");
      }
      for (PositionalParamSpec parameter : spec.positionalParameters()) {
        assertTrue(parameter.description().length > 0, path + " " + parameter.paramLabel() + " has no description");
      }
    }
  }

  @Test
  void theIssuesExamplesNowShowHelp() {
    Printed create = run(List.of("orgs", "create", "--help"));
    assertEquals(0, create.code(), create.err());
    assertTrue(create.out().contains("NAME") && create.out().contains("--budget-period=PERIOD"), create.out());
    assertTrue(create.out().contains("day, month"), "allowed values are listed:\n" + create.out());
    assertTrue(create.out().contains("Example"), create.out());
    Printed backends = run(List.of("backends", "create", "-h"));
    assertEquals(0, backends.code(), backends.err());
    Printed roles = run(List.of("members", "set", "--help"));
    assertTrue(roles.out().contains("owner, admin, member, viewer, billing"), roles.out());
    Printed output = run(List.of("me", "--help"));
    assertTrue(output.out().contains("table, json"), output.out());
  }

  @Test
  void aValueOutsideTheAllowedOnesIsAUsageErrorNamingThem() {
    Printed bad = run(List.of("members", "set", "acme", "a@example.com", "boss", "--token", "t"));
    assertEquals(ExitCodes.USAGE, bad.code());
    assertTrue(bad.err().contains("owner, admin, member, viewer, billing"), bad.err());
  }
}
