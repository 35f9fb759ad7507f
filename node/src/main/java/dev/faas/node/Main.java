package dev.faas.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts one node: reads the configuration, maps it to each part's settings (a bad value stops
 * the node here, before anything starts), then hands everything to the {@link Guardian}.
 */
public final class Main {
  /** Beyond the drain: stopping what still runs, its record, its container's removal. */
  static final java.time.Duration DRAIN_SLACK = java.time.Duration.ofSeconds(30);

  private Main() {}

  /** Runs the node until it is stopped; exits with status 2 on a bad configuration. */
  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    NodeConfig node;
    PartSettings settings;
    try {
      node = NodeConfig.from(config);
      settings = PartSettings.from(node);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("faas-node: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    ActorSystem.create(Guardian.create(node, settings), "faas", withDrainPhases(config, node));
  }

  /**
   * The shutdown phases that wait for the drain (the worker's, and in-flight requests') get the
   * drain timeout plus time to stop what is left, instead of Pekko's default of seconds.
   */
  static Config withDrainPhases(Config config, NodeConfig node) {
    String timeout = node.drainTimeout().plus(DRAIN_SLACK).toMillis() + "ms";
    return ConfigFactory.parseMap(
            java.util.Map.of(
                "pekko.coordinated-shutdown.phases.service-unbind.timeout", timeout,
                "pekko.coordinated-shutdown.phases.service-requests-done.timeout", timeout))
        .withFallback(config);
  }
}
