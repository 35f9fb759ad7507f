package dev.faas.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a password: from a prompt with echo off, or the first line of stdin for scripts. */
final class Secrets {
  private Secrets() {}

  /**
   * The password, from stdin when {@code fromStdin}, else asked for on the console ({@code
   * confirm}: twice, and both must match).
   */
  static String password(Terminal terminal, boolean fromStdin, String prompt, boolean confirm) {
    if (fromStdin) {
      return firstLine(terminal.in());
    }
    if (terminal.console() == null) {
      throw CliException.usage("no terminal to ask for the password on: pipe it in with --password-stdin");
    }
    char[] first = terminal.console().readPassword("%s: ", prompt);
    if (first == null) {
      throw CliException.usage("no password given");
    }
    if (confirm) {
      char[] again = terminal.console().readPassword("%s (again): ", prompt);
      if (again == null || !Arrays.equals(first, again)) {
        throw CliException.usage("the passwords differ");
      }
    }
    return new String(first);
  }

  /** The first line of {@code in}, without its line ending. */
  static String firstLine(InputStream in) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        line.write(b);
      }
    } catch (IOException e) {
      throw CliException.usage("cannot read stdin: " + e.getMessage());
    }
    String text = line.toString(StandardCharsets.UTF_8);
    text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    if (text.isEmpty()) {
      throw CliException.usage("no password on stdin");
    }
    return text;
  }
}
