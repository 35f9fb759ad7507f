package dev.faas.cli;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of the command sees of the world: its environment, standard streams, the console
 * (null when there is no terminal) and the user's home. Tests give their own.
 *
 * @param out standard output as bytes: an invocation's result goes there untouched
 */
public record Terminal(
    Map<String, String> env, InputStream in, OutputStream out, PrintStream err, Console console, Path home) {

  /** The process's own. */
  public static Terminal system() {
    // Unbuffered FileOutputStream on fd 1: System.out would encode text, never touch bytes, but
    // it is a PrintStream that swallows write errors.
    return new Terminal(
        System.getenv(),
        System.in,
        new FileOutputStream(FileDescriptor.out),
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
        System.console(),
        Path.of(System.getProperty("user.home")));
  }

  /** Standard output for text (UTF-8), flushed by whoever writes a whole answer. */
  public PrintStream text() {
    return new PrintStream(out, false, StandardCharsets.UTF_8);
  }

  /** An environment variable, or null when unset or empty. */
  public String getenv(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? null : value;
  }
}
