package dev.faas.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;

/** Starts one node: reads the configuration, then hands everything to the {@link Guardian}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    NodeConfig node;
    try {
      node = NodeConfig.from(config);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("faas-node: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    ActorSystem.create(Guardian.create(node), "faas", config);
  }
}
