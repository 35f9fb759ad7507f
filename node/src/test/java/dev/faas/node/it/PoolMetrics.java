package dev.faas.node.it;

/** Reads the warm pool's gauges out of a node's {@code /metrics} text. */
public final class PoolMetrics {
  private PoolMetrics() {}

  /**
   * The value of {@code faas_pool_containers{state="<state>"}} ({@code idle}, {@code starting},
   * {@code busy}); 0 when the node shows none.
   */
  public static double containers(String metrics, String state) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith("faas_pool_containers{") && line.contains("state=\"" + state + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
