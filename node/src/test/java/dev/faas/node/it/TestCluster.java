package dev.faas.node.it;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One test class's platform: a nats-server and the node processes on it, all with the same
 * {@code FAAS_PLATFORM} label value, unique to this class and this JVM, so that test classes run
 * side by side (or a second run of the suite on the same engine) never see, count or remove each
 * other's containers.
 */
public final class TestCluster implements AutoCloseable {
  /** Generous: a node's JVM starts in seconds, slower on a loaded 2-core machine. */
  public static final Duration NODE_READY = Duration.ofSeconds(90);

  private final Path dir;
  private final String platform;
  private final TestNats nats;
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();

  private TestCluster(Path dir, String platform, TestNats nats) {
    this.dir = dir;
    this.platform = platform;
    this.nats = nats;
  }

  /** Starts a nats-server for a platform named after {@code testClass}. */
  public static TestCluster start(Path dir, Class<?> testClass) throws Exception {
    String platform =
        "it-"
            + testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    return new TestCluster(dir, platform, new TestNats(dir.resolve("nats")).start());
  }

  /** The {@code dev.faas.platform} label value of every container of this cluster. */
  public String platform() {
    return platform;
  }

  /** The cluster's nats-server. */
  public TestNats nats() {
    return nats;
  }

  /** A node name unique to this cluster: {@code <platform>-<suffix>}. */
  public String nodeName(String suffix) {
    return platform + "-" + suffix;
  }

  /**
   * Starts (without waiting for it) a node named {@link #nodeName(String) nodeName(suffix)} on
   * this cluster's NATS, with these further FAAS_* variables. Its data and log are under {@code
   * dir/<suffix>}.
   */
  public NodeProcess startNode(String suffix, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("FAAS_NATS_URL", nats.url());
    all.put("FAAS_PLATFORM", platform);
    all.put("FAAS_NODE_NAME", nodeName(suffix));
    all.putAll(env);
    NodeProcess node = new NodeProcess(dir.resolve(suffix), TestNats.freePort(), all).start();
    nodes.put(suffix, node);
    return node;
  }

  /**
   * Starts the one node most tests need: named {@code node}, both roles ({@code api,worker}),
   * with these further FAAS_* variables.
   */
  public NodeProcess startAllInOne(Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("FAAS_ROLES", "api,worker");
    return startNode("node", all);
  }

  /** Waits until {@code node} is ready, then registers {@code username} and logs in there. */
  public static FaasClient signUp(NodeProcess node, String username) throws Exception {
    return FaasClient.signUp(awaitReady(node), node.baseUrl(), username);
  }

  /** Waits until {@code node} is ready and returns a client trusting its certificate. */
  public static HttpClient awaitReady(NodeProcess node) throws Exception {
    return node.awaitHttpsReady(NODE_READY);
  }

  /**
   * Stops every node and the nats-server, keeps the nodes' logs under {@code target/it-logs}
   * (the temporary directory goes with the test), then removes whatever container is left.
   */
  @Override
  public void close() throws Exception {
    Path logs = Path.of(System.getProperty("faas.it.logs", "target/it-logs"), platform);
    Files.createDirectories(logs);
    for (NodeProcess node : nodes.values()) {
      node.stop();
    }
    for (Map.Entry<String, NodeProcess> node : nodes.entrySet()) {
      Files.writeString(logs.resolve(node.getKey() + ".log"), node.getValue().log());
    }
    nats.close();
    DockerEngine.removeAll(platform);
  }
}
