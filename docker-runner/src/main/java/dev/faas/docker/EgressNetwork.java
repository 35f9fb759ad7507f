package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine network of functions with {@code network: true} (docs/decisions/0017): a bridge of
 * its own, never the default one, with inter-container communication off, so a function reaches
 * neither another function's container nor any other container on it; and, unless the operator
 * allows private egress, the {@link EgressFirewall} rules that keep it from the host and from
 * link-local and private addresses. Made once per runtime, at the first start that needs it;
 * blocking.
 */
final class EgressNetwork {
  private static final Logger log = LoggerFactory.getLogger(EgressNetwork.class);
  static final String ICC = "com.docker.network.bridge.enable_icc";
  static final String BRIDGE_NAME = "com.docker.network.bridge.name";

  /** The firewall rules could not be applied: the network is not used until they are. */
  static final class FirewallFailed extends RuntimeException {
    FirewallFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final DockerClient control;
  private final DockerSettings settings;
  private volatile boolean ready;

  EgressNetwork(DockerClient control, DockerSettings settings) {
    this.control = control;
    this.settings = settings;
  }

  /** The network's name, created (and firewalled) first when needed. */
  String ensure() {
    String name = settings.sandbox().egressNetwork();
    if (ready) {
      return name;
    }
    synchronized (this) {
      if (!ready) {
        Network network = inspectOrCreate(name);
        if (!"false".equals(network.getOptions().get(ICC))) {
          log.warn(
              "The egress network [{}] was not made by the platform and lets its containers"
                  + " reach each other ({} is not false): recreate it or remove it",
              name,
              ICC);
        }
        firewall(bridge(network));
        ready = true;
      }
    }
    return name;
  }

  /**
   * Checks the network again at the next {@link #ensure}: a create that used it failed, and the
   * network may be gone (removed by hand, an engine whose state was reset).
   */
  void forget() {
    ready = false;
  }

  /** The host interface of {@code network}: its bridge option, else the engine's default name. */
  static String bridge(Network network) {
    String named = network.getOptions() == null ? null : network.getOptions().get(BRIDGE_NAME);
    return named != null && !named.isBlank() ? named : "br-" + network.getId().substring(0, 12);
  }

  private Network inspectOrCreate(String name) {
    try {
      return control.inspectNetworkCmd().withNetworkId(name).exec();
    } catch (NotFoundException missing) {
      try {
        Map<String, String> options = new java.util.HashMap<>(Map.of(ICC, "false"));
        if (name.matches("[A-Za-z0-9_.-]{1,15}")) {
          // A bridge named after the network: an operator can write its firewall rules before
          // the network exists (the default faas-egress is one).
          options.put(BRIDGE_NAME, name);
        }
        control
            .createNetworkCmd()
            .withName(name)
            .withDriver("bridge")
            .withCheckDuplicate(true)
            .withOptions(options)
            .withLabels(Map.of("dev.faas.role", "egress"))
            .exec();
      } catch (ConflictException raced) {
        // Another worker made it meanwhile.
      }
      return control.inspectNetworkCmd().withNetworkId(name).exec();
    }
  }

  private void firewall(String bridge) {
    if (settings.sandbox().egressAllowPrivate()) {
      log.info("Egress network bridge [{}]: private addresses allowed by the operator", bridge);
      return;
    }
    if (EgressFirewall.canApply(settings)) {
      try {
        EgressFirewall.apply(bridge);
      } catch (IllegalStateException e) {
        log.error("Could not firewall the egress bridge [{}]: functions with a network fail"
            + " until it is done: [{}]", bridge, e.getMessage());
        throw new FirewallFailed(e.getMessage(), e);
      }
      log.info("Egress network bridge [{}]: host, link-local and private ranges dropped", bridge);
      return;
    }
    log.warn(
        "This worker cannot firewall the egress bridge [{}] of a remote engine: functions with a"
            + " network can reach the engine's host and private addresses until the operator"
            + " runs, on that host:\n{}",
        bridge,
        EgressFirewall.commands(bridge));
  }
}
