package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import dev.faas.actors.runtime.ContainerSpec;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A function with a network is on the platform's egress network (docs/decisions/0017): it reaches
 * no other container there (inter-container communication is off) and no listener on the host
 * (the firewall the worker installs, as it runs as root beside the engine here).
 */
class EgressIT extends DockerFixture {
  private final String network = "faas-it-egress-" + UUID.randomUUID().toString().substring(0, 8);

  @Override
  DockerSettings settings() {
    return super.settings()
        .withSandbox(SandboxSettings.defaults().withEgressNetwork(network));
  }

  private static ContainerSpec withNetwork(String image) {
    ContainerSpec s = spec(image);
    Map<String, String> labels = new HashMap<>(s.labels());
    return new ContainerSpec(
        s.image(), s.args(), s.env(), s.memoryBytes(), s.nanoCpus(), s.pidsLimit(), true,
        s.tmpfsBytes(), labels);
  }

  @Test
  void aFunctionReachesNeitherAnotherContainerNorTheHost() throws Exception {
    // The first function with a network makes the egress network.
    Result first = activate(withNetwork(TestImages.SH), "echo up");
    assertEquals("up\n", first.output().out(), first.output().err());
    Network net = docker.inspectNetworkCmd().withNetworkId(network).exec();
    assertEquals("false", net.getOptions().get(EgressNetwork.ICC));
    String gateway = net.getIpam().getConfig().get(0).getGateway();

    // Another tenant's container on the same network, listening.
    String peer =
        docker
            .createContainerCmd(TestImages.CAT)
            .withCmd("nc", "-ll", "-p", "8080", "-e", "echo", "pong")
            .withLabels(Map.of(ContainerSpec.PLATFORM_LABEL, platform))
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network))
            .exec()
            .getId();
    AtomicInteger hostAccepts = new AtomicInteger();
    try (ServerSocket host = new ServerSocket()) {
      host.bind(new InetSocketAddress("0.0.0.0", 0));
      Thread acceptor =
          new Thread(
              () -> {
                while (!host.isClosed()) {
                  try (Socket s = host.accept()) {
                    hostAccepts.incrementAndGet();
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      docker.startContainerCmd(peer).exec();
      String peerIp =
          docker
              .inspectContainerCmd(peer)
              .exec()
              .getNetworkSettings()
              .getNetworks()
              .get(network)
              .getIpAddress();
      // The peer does listen: the host (not a function) reaches it.
      eventually(PATIENCE, () -> answers(peerIp, 8080));

      Result probe =
          activate(
              withNetwork(TestImages.SH),
              "if nc -w 2 "
                  + peerIp
                  + " 8080 </dev/null | grep -q pong; then echo peer-reached; fi\n"
                  + "if nc -w 2 "
                  + gateway
                  + " "
                  + host.getLocalPort()
                  + " </dev/null; then echo host-reached; fi\n"
                  + "echo done\n");

      assertEquals("done\n", probe.output().out(), probe.output().err());
      assertEquals(0, hostAccepts.get(), "connections from the function to the host");
    } finally {
      docker.removeContainerCmd(peer).withForce(true).exec();
    }
  }

  private static boolean answers(String ip, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, port), 500);
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("pong");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @AfterAll
  void removeNetwork() {
    try {
      Network net = docker.inspectNetworkCmd().withNetworkId(network).exec();
      EgressFirewall.remove(EgressNetwork.bridge(net));
      docker.removeNetworkCmd(network).exec();
    } catch (RuntimeException e) {
      assertTrue(e instanceof com.github.dockerjava.api.exception.NotFoundException, e.toString());
    }
  }
}
