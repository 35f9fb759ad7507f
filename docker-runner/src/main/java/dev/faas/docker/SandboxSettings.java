package dev.faas.docker;

import java.util.Objects;

/**
 * The operator's choices about the edges of the function sandbox (docs/decisions/0017).
 *
 * @param functionUser the {@code uid:gid} every function process runs as; empty: the image's own
 *     {@code USER} (root when it names none). Default {@code 65534:65534} (nobody)
 * @param egressNetwork the engine network of functions declared {@code network: true}, created by
 *     the worker when missing: a bridge with inter-container communication off, so a function
 *     reaches no other container on it
 * @param egressAllowPrivate whether functions with a network may reach the host, link-local
 *     (metadata) and private addresses; false: the worker, when it drives a local engine as root,
 *     installs firewall rules that drop such traffic from the egress bridge
 */
public record SandboxSettings(
    String functionUser, String egressNetwork, boolean egressAllowPrivate) {

  /** nobody:nogroup on most distributions; owns nothing in any image. */
  public static final String UNPRIVILEGED = "65534:65534";

  public SandboxSettings {
    Objects.requireNonNull(functionUser, "functionUser");
    if (egressNetwork == null || egressNetwork.isBlank()) {
      throw new IllegalArgumentException("egressNetwork is required");
    }
    if (!functionUser.isEmpty() && !functionUser.matches("[0-9]+(:[0-9]+)?")) {
      throw new IllegalArgumentException(
          "functionUser must be uid or uid:gid (numeric), or empty; got " + functionUser);
    }
  }

  /** An unprivileged user, egress on the network {@code faas-egress}, private ranges closed. */
  public static SandboxSettings defaults() {
    return new SandboxSettings(UNPRIVILEGED, "faas-egress", false);
  }

  public SandboxSettings withFunctionUser(String user) {
    return new SandboxSettings(user, egressNetwork, egressAllowPrivate);
  }

  public SandboxSettings withEgressNetwork(String network) {
    return new SandboxSettings(functionUser, network, egressAllowPrivate);
  }

  public SandboxSettings withEgressAllowPrivate(boolean allow) {
    return new SandboxSettings(functionUser, egressNetwork, allow);
  }
}
