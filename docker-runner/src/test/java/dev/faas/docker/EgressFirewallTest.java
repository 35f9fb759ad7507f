package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The egress firewall's rules, without applying them. */
class EgressFirewallTest {

  @Test
  void newConnectionsFromTheBridgeToPrivateRangesAndTheHostAreDropped() {
    List<List<String>> rules = EgressFirewall.rules("br-x");

    for (String range : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16")) {
      assertTrue(
          rules.contains(
              List.of(
                  "DOCKER-USER", "-i", "br-x", "-d", range, "-m", "conntrack", "--ctstate",
                  "NEW", "-j", "DROP")),
          range);
    }
    assertEquals(
        List.of("INPUT", "-i", "br-x", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"),
        rules.get(rules.size() - 1));
  }

  @Test
  void theOperatorsCommandsAreIdempotent() {
    String commands = EgressFirewall.commands("br-x");

    assertTrue(
        commands.contains(
            "iptables -C INPUT -i br-x -m conntrack --ctstate NEW -j DROP 2>/dev/null"
                + " || iptables -I INPUT -i br-x -m conntrack --ctstate NEW -j DROP\n"),
        commands);
  }

  @Test
  void aRemoteEngineIsNeverFirewalledFromHere() {
    assertFalse(
        EgressFirewall.canApply(
            DockerSettings.defaults("unit").withDockerHost(URI.create("tcp://engine:2376"))));
  }
}
