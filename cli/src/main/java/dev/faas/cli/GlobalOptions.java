package dev.faas.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command takes, before or after its name ({@code faas -o json fn list} and
 * {@code faas fn list -o json} alike): where the platform is, which profile, how to trust it and
 * how to print.
 */
public final class GlobalOptions {
  /** How answers are printed. */
  public enum Format { table, json, yaml }

  @Option(
      names = "--url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "The platform's base URL, e.g. https://localhost:8443 (default: $FAAS_URL, else the profile's).")
  String url;

  @Option(
      names = "--profile",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "The configuration profile (default: $FAAS_PROFILE, else the current one, else 'default').")
  String profile;

  @Option(
      names = "--ca-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Trust exactly the certificates in FILE (PEM, DER, or a node's .p12 with its .password beside it), for a node with a self-signed certificate.")
  Path caFile;

  @Option(
      names = "--insecure",
      scope = ScopeType.INHERIT,
      description = "Do not check the node's TLS certificate at all. Never kept in the configuration.")
  boolean insecure;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "table, json or yaml (default: table; for invoke, the bare result).")
  Format output;

  /** The output format asked for, or null when none was. */
  public Format output() {
    return output;
  }
}
