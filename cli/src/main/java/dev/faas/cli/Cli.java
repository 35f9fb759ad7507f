package dev.faas.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs one command line: parses it against the command model, runs the command, and turns every
 * failure into one message on stderr and its {@link ExitCode}. Nothing but the answer goes to stdout.
 */
public final class Cli {
  private Cli() {}

  /** The command model, for this terminal. */
  public static CommandLine commandLine(Terminal terminal) {
    CommandLine cl = new CommandLine(new FaasCommand(terminal));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // "--data @file" is the command's own: picocli must not expand @file into arguments.
    cl.setExpandAtFiles(false);
    cl.setOut(new PrintWriter(terminal.text(), true));
    cl.setErr(new PrintWriter(terminal.err(), true));
    cl.setParameterExceptionHandler(Cli::usage);
    cl.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof CliException failure) {
            terminal.err().println("error: " + failure.getMessage());
            return failure.exitCode();
          }
          if (brokenPipe(e)) {
            return ExitCode.OK; // stdout was closed early (| head): not the command's failure
          }
          terminal.err().println("error: " + e);
          return ExitCode.ERROR;
        });
    return cl;
  }

  private static boolean brokenPipe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().contains("Broken pipe")) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code args}; the exit code. */
  public static int run(String[] args, Terminal terminal) {
    return commandLine(terminal).execute(args);
  }

  private static int usage(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCode.USAGE;
  }
}
