package dev.faas.node;

import dev.faas.actors.engine.EngineSettings;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.worker.RunnerSettings;
import dev.faas.actors.worker.WorkerSettings;
import dev.faas.docker.DockerSettings;
import dev.faas.docker.SandboxSettings;
import dev.faas.docker.ImageCacheSettings;
import dev.faas.http.HttpSettings;
import dev.faas.nats.NatsSettings;
import java.net.URI;
import java.time.Duration;

/**
 * The settings of each part of the node, mapped once from its {@link NodeConfig}: the only place
 * where a configured value becomes a part's setting. What the configuration does not name keeps
 * the part's own default.
 *
 * @param nats the NATS connection, buckets and activation stream (every node)
 * @param docker the Docker engine (a worker)
 * @param worker the worker, its runners and its warm pool (a worker)
 * @param engine the activation supervisor's deadlines (an API node)
 * @param http the REST API's limits (an API node)
 */
record PartSettings(
    NatsSettings nats,
    DockerSettings docker,
    WorkerSettings worker,
    EngineSettings engine,
    HttpSettings http) {

  /**
   * Time a container may still take past its function's timeout before a periodic sweep counts
   * it as stale: beyond getting it, killing it and reporting.
   */
  private static final Duration SWEEP_MARGIN = Duration.ofMinutes(2);

  /**
   * Maps {@code config} to every part's settings.
   *
   * @throws IllegalArgumentException when a part refuses a value
   */
  static PartSettings from(NodeConfig config) {
    return new PartSettings(
        nats(config), docker(config), worker(config), engine(config), http(config));
  }

  private static NatsSettings nats(NodeConfig config) {
    return new NatsSettings(
        config.natsUrls(),
        "faas-" + config.nodeId(),
        config.kvReplicas(),
        config.activationTtl(),
        config.natsRequestTimeout(),
        config.maxConcurrent(),
        config.ackWait(),
        NatsSettings.DEFAULT_LIVE_WORKER_WINDOW,
        config.maxConcurrentPerUser());
  }

  private static DockerSettings docker(NodeConfig config) {
    return DockerSettings.defaults(config.platform())
        .withDockerHost(URI.create(config.dockerHost()))
        .withApiVersion(config.dockerApiVersion())
        .withCallTimeout(config.dockerCallTimeout())
        .withPullTimeout(config.pullTimeout())
        .withImageCache(
            new ImageCacheSettings(
                config.imageCacheBytes(), config.imageGcGrace(), config.imageGcEvery()))
        .withFaasInit(config.faasInit())
        .withPrecallCpu(config.poolPrecallCpu())
        .withSandbox(
            new SandboxSettings(
                config.sandbox().functionUser(),
                config.sandbox().egressNetwork(),
                config.sandbox().egressAllowPrivate()));
  }

  private static WorkerSettings worker(NodeConfig config) {
    WorkerSettings defaults =
        WorkerSettings.defaults(config.nodeId(), config.platform(), config.workerSlots());
    RunnerSettings runner = runner(config, defaults.runner());
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
            .plus(SWEEP_MARGIN),
        runner,
        pool(config),
        defaults.probeInterval(),
        defaults.probeTimeout());
  }

  private static RunnerSettings runner(NodeConfig config, RunnerSettings defaults) {
    return new RunnerSettings(
        config.stdoutCapBytes(),
        (int) Math.min(Integer.MAX_VALUE, config.logCapBytes()),
        defaults.heartbeatInterval(),
        Math.round(config.containerCpus() * 1_000_000_000L),
        config.pidsLimit(),
        config.tmpfsBytes(),
        // A start may pull the image first: that has its own deadline, not charged to timeoutMs.
        defaults.acquireTimeout().plus(config.pullTimeout()),
        defaults.killGrace(),
        defaults.removeTimeout(),
        defaults.settleTimeout());
  }

  private static PoolSettings pool(NodeConfig config) {
    PoolSettings defaults = PoolSettings.defaults();
    return new PoolSettings(
        config.warmPool(),
        config.poolMaxIdlePerFunction(),
        config.poolMaxIdle(),
        config.poolIdleTtl(),
        defaults.window(),
        defaults.startLatency(),
        defaults.maxIdleAge(),
        defaults.maxStarting(),
        defaults.tick(),
        defaults.startTimeout(),
        defaults.backoffMin(),
        defaults.backoffMax(),
        defaults.askTimeout(),
        defaults.startDefer());
  }

  private static EngineSettings engine(NodeConfig config) {
    return new EngineSettings(
        config.acceptTimeout(),
        config.heartbeatTimeout(),
        config.resultGrace(),
        config.nodeMaxInFlight(),
        EngineSettings.DEFAULT_ROUTE_TIMEOUT,
        EngineSettings.DEFAULT_ROUTE_GRACE,
        EngineSettings.DEFAULT_RECORD_LOOKUP,
        config.pullTimeout());
  }

  private static HttpSettings http(NodeConfig config) {
    return HttpSettings.defaults()
        .withMaxBodyBytes(config.maxBodyBytes())
        .withUserLimits(config.maxConcurrentPerUser(), config.maxFunctionsPerUser());
  }
}
