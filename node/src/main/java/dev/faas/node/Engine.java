package dev.faas.node;

import dev.faas.actors.engine.EngineSettings;
import dev.faas.actors.worker.RunnerSettings;
import dev.faas.actors.worker.WorkerSettings;
import dev.faas.actors.worker.pool.PoolSettings;

/** The activation engine's settings, from the node's configuration. */
final class Engine {
  private Engine() {}

  static EngineSettings engineSettings(NodeConfig config) {
    return new EngineSettings(
        config.acceptTimeout(),
        config.heartbeatTimeout(),
        config.resultGrace(),
        config.nodeMaxInFlight());
  }

  static WorkerSettings workerSettings(NodeConfig config) {
    WorkerSettings defaults =
        WorkerSettings.defaults(workerId(config), Wiring.platformName(), config.workerSlots());
    RunnerSettings runner = defaults.runner();
    RunnerSettings configured =
        new RunnerSettings(
            config.stdoutCapBytes(),
            (int) Math.min(Integer.MAX_VALUE, config.logCapBytes()),
            runner.heartbeatInterval(),
            Math.round(config.containerCpus() * 1_000_000_000L),
            config.pidsLimit(),
            config.tmpfsBytes(),
            runner.acquireTimeout(),
            runner.killGrace(),
            runner.removeTimeout());
    PoolSettings pool = PoolSettings.defaults();
    pool =
        new PoolSettings(
            config.warmPool(),
            config.poolMaxIdlePerFunction(),
            config.poolMaxIdle(),
            config.poolIdleTtl(),
            pool.window(),
            pool.startLatency(),
            pool.maxIdleAge(),
            pool.maxStarting(),
            pool.tick(),
            pool.startTimeout(),
            pool.backoffMin(),
            pool.backoffMax(),
            pool.askTimeout(),
            pool.startDefer());
    return new WorkerSettings(
        defaults.workerId(),
        defaults.platformName(),
        defaults.slots(),
        defaults.pullWait(),
        defaults.pullRetry(),
        defaults.announceInterval(),
        defaults.sweepInterval(),
        config.maxFunctionTimeout()
            .plus(runner.acquireTimeout())
            .plus(runner.killGrace())
            .plus(java.time.Duration.ofMinutes(2)),
        configured)
        .withPool(pool);
  }

  /**
   * The worker's id: its node name as one NATS subject token. It must be stable across restarts
   * (a restarted worker removes the containers labelled with it) and unique in the cluster.
   */
  static String workerId(NodeConfig config) {
    return nodeId(config);
  }

  /** The node name reduced to {@code [A-Za-z0-9_-]{1,64}}, usable in subjects and labels. */
  static String nodeId(NodeConfig config) {
    String id = config.nodeName().replaceAll("[^A-Za-z0-9_-]", "-");
    if (id.isEmpty()) {
      id = "node";
    }
    return id.length() > 64 ? id.substring(0, 64) : id;
  }
}
