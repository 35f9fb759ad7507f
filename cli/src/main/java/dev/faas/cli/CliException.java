package dev.faas.cli;

/** A failure the command reports on stderr as one message, ending the run with {@link #exitCode()}. */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** One of {@link ExitCode}'s. */
  public int exitCode() {
    return exitCode;
  }

  /** A usage error: the command line or a file it names is wrong. */
  public static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, message);
  }
}
