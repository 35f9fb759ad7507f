package dev.faas.cli;

/** The {@code faas} command: {@code java -jar faas-cli.jar ...}, as {@code bin/faas} runs it. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(args, Terminal.system()));
  }
}
