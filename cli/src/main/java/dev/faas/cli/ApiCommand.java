package dev.faas.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that runs: reaches the global options, the terminal and the platform through its root. */
public abstract class ApiCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  private Session session;

  /** The root command, which holds the options every command shares and the terminal. */
  protected FaasCommand root() {
    return (FaasCommand) spec.root().userObject();
  }

  protected Terminal terminal() {
    return root().terminal();
  }

  protected GlobalOptions options() {
    return root().options();
  }

  /** The settings of this run, resolved once. */
  protected Session session() {
    if (session == null) {
      session = Session.resolve(options(), terminal());
    }
    return session;
  }

  /** The printer for {@code -o}, table when none was asked. */
  protected Output output() {
    return new Output(options().output() == null ? GlobalOptions.Format.table : options().output(), terminal().out());
  }

  /** Standard error, for notes that must not mix with the answer. */
  protected PrintStream err() {
    return terminal().err();
  }

  @Override
  public final Integer call() throws Exception {
    if (options().insecure) {
      err().println("warning: --insecure: the node's TLS certificate is not checked");
    }
    return run();
  }

  /** The command's work; its exit code ({@link ExitCode}). Failures are thrown as {@link CliException}. */
  protected abstract int run() throws Exception;
}
