package dev.faas.cli;

import picocli.CommandLine.IVersionProvider;

/** The client's version, for {@code faas --version} and its User-Agent. */
public final class Version implements IVersionProvider {
  public static final String VERSION = "0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {"faas " + VERSION + " (Java " + Runtime.version() + ")"};
  }
}
