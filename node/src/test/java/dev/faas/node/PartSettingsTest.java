package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.faas.actors.engine.EngineSettings;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.worker.RunnerSettings;
import dev.faas.actors.worker.WorkerSettings;
import dev.faas.docker.DockerSettings;
import dev.faas.docker.ImageCacheSettings;
import dev.faas.http.HttpSettings;
import dev.faas.nats.NatsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration to settings: each row sets FAAS_* variables on the node's own {@code
 * application.conf} and reads one setting of one part. Every row's expected value differs from
 * what the part would take by default, so a variable that stopped reaching its part fails here.
 */
class PartSettingsTest {
  /** What every row starts from: a named node, so nothing depends on the test machine's name. */
  private static final Map<String, String> BASE = Map.of("FAAS_NODE_NAME", "node-1");

  static Stream<Arguments> rows() {
    return Stream.of(
        // The platform label: every container's, read from the config file, never the process.
        row("FAAS_PLATFORM", "faas-test", s -> s.docker().platform(), "faas-test"),
        row("FAAS_PLATFORM", "faas-test", s -> s.worker().platformName(), "faas-test"),
        row("FAAS_PLATFORM", "  ", s -> s.docker().platform(), "faas"),
        // The node's id: NATS connection name, worker id, activation queue.
        row("FAAS_NODE_NAME", "api 1.example", s -> s.nats().connectionName(), "faas-api-1-example"),
        row("FAAS_NODE_NAME", "api 1.example", s -> s.worker().workerId(), "api-1-example"),
        // NATS.
        row("FAAS_NATS_URL", "nats://a:1, nats://b:2,", s -> s.nats().servers(),
            List.of("nats://a:1", "nats://b:2")),
        row("FAAS_KV_REPLICAS", "3", s -> s.nats().kvReplicas(), 3),
        row("FAAS_ACTIVATION_TTL", "2h", s -> s.nats().activationTtl(), Duration.ofHours(2)),
        row("FAAS_NATS_REQUEST_TIMEOUT", "7s", s -> s.nats().requestTimeout(), Duration.ofSeconds(7)),
        row("FAAS_MAX_CONCURRENT", "40", s -> s.nats().maxConcurrent(), 40),
        row("FAAS_ACK_WAIT", "9s", s -> s.nats().ackWait(), Duration.ofSeconds(9)),
        // Docker.
        row("FAAS_DOCKER_HOST", "tcp://engine:2375", s -> s.docker().dockerHost(),
            URI.create("tcp://engine:2375")),
        row("FAAS_DOCKER_API_VERSION", "1.43", s -> s.docker().apiVersion(), "1.43"),
        row("FAAS_DOCKER_CALL_TIMEOUT", "40s", s -> s.docker().callTimeout(), Duration.ofSeconds(40)),
        row("FAAS_DOCKER_FAAS_INIT", "false", s -> s.docker().faasInit(), false),
        row("FAAS_PULL_TIMEOUT", "90s", s -> s.docker().pullTimeout(), Duration.ofSeconds(90)),
        row("FAAS_IMAGE_CACHE_BYTES", "2GiB", s -> s.docker().imageCache().capBytes(),
            2L * 1024 * 1024 * 1024),
        row("FAAS_IMAGE_CACHE_BYTES", "0", s -> s.docker().imageCache().bounded(), false),
        row("FAAS_IMAGE_GC_GRACE", "30s", s -> s.docker().imageCache().grace(),
            Duration.ofSeconds(30)),
        row("FAAS_IMAGE_GC_EVERY", "5s", s -> s.docker().imageCache().every(),
            Duration.ofSeconds(5)),
        row("FAAS_IMAGE_GC_EVERY", "0", s -> s.docker().imageCache().enabled(), false),
        row("FAAS_POOL_PRECALL_CPU", "250ms", s -> s.docker().precallCpu(), Duration.ofMillis(250)),
        // The worker and its runners.
        row("FAAS_WORKER_SLOTS", "3", s -> s.worker().slots(), 3),
        row("FAAS_STDOUT_CAP_BYTES", "2048", s -> s.worker().runner().stdoutCapBytes(), 2048L),
        row("FAAS_LOG_CAP_BYTES", "4096", s -> s.worker().runner().logCapBytes(), 4096),
        row("FAAS_CONTAINER_CPUS", "0.5", s -> s.worker().runner().nanoCpus(), 500_000_000L),
        row("FAAS_CONTAINER_PIDS", "128", s -> s.worker().runner().pidsLimit(), 128L),
        // The sweep leaves alone any container younger than the longest activation can last,
        // a pull of its image (FAAS_PULL_TIMEOUT, 5 min) included.
        row("FAAS_MAX_FUNCTION_TIMEOUT_MS", "60000", s -> s.worker().sweepAge(),
            Duration.ofSeconds(60 + 10 + 5).plusMinutes(2).plusMinutes(5)),
        // The warm pool.
        row("FAAS_WARM_POOL", "false", s -> s.worker().pool().enabled(), false),
        row("FAAS_POOL_MAX_PER_FUNCTION", "2", s -> s.worker().pool().maxIdlePerKey(), 2),
        row("FAAS_POOL_MAX_IDLE", "5", s -> s.worker().pool().maxIdleTotal(), 5),
        row("FAAS_POOL_IDLE_TTL", "30s", s -> s.worker().pool().idleTtl(), Duration.ofSeconds(30)),
        // The activation supervisor.
        row("FAAS_ACCEPT_TIMEOUT", "12s", s -> s.engine().acceptTimeout(), Duration.ofSeconds(12)),
        row("FAAS_HEARTBEAT_TIMEOUT", "4s", s -> s.engine().heartbeatTimeout(), Duration.ofSeconds(4)),
        row("FAAS_NODE_MAX_IN_FLIGHT", "64", s -> s.engine().nodeMaxInFlight(), 64),
        // The REST API.
        row("FAAS_MAX_BODY_BYTES", "2048", s -> s.http().maxBodyBytes(), 2048L));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("rows")
  void mapsTheVariableToItsPart(
      String variable, String value, Function<PartSettings, Object> read, Object expected) {
    assertEquals(expected, read.apply(settings(Map.of(variable, value))));
  }

  @Test
  void anUnsetVariableLeavesTheFileDefault() {
    PartSettings settings = settings(Map.of());
    assertEquals("faas", settings.docker().platform());
    assertEquals(List.of("nats://127.0.0.1:4222"), settings.nats().servers());
    assertEquals("faas-node-1", settings.nats().connectionName());
    assertEquals(16, settings.nats().maxConcurrent());
    assertEquals(DockerSettings.LOCAL_ENGINE, settings.docker().dockerHost());
    assertEquals(8, settings.worker().slots());
    assertEquals(Duration.ofSeconds(30), settings.engine().acceptTimeout());
    assertEquals(HttpSettings.DEFAULT_MAX_BODY_BYTES, settings.http().maxBodyBytes());
    assertEquals(ImageCacheSettings.defaults(), settings.docker().imageCache());
  }

  @Test
  void whatTheConfigurationDoesNotNameKeepsThePartsDefault() {
    PartSettings settings = settings(Map.of());
    WorkerSettings worker = WorkerSettings.defaults("node-1", "faas", 8);
    RunnerSettings runner = RunnerSettings.defaults();
    PoolSettings pool = PoolSettings.defaults();
    assertEquals(worker.pullWait(), settings.worker().pullWait());
    assertEquals(worker.probeInterval(), settings.worker().probeInterval());
    assertEquals(runner.heartbeatInterval(), settings.worker().runner().heartbeatInterval());
    assertEquals(runner.settleTimeout(), settings.worker().runner().settleTimeout());
    assertEquals(pool.maxIdleAge(), settings.worker().pool().maxIdleAge());
    assertEquals(pool.startDefer(), settings.worker().pool().startDefer());
    assertEquals(EngineSettings.DEFAULT_ROUTE_TIMEOUT, settings.engine().routeTimeout());
    assertEquals(EngineSettings.DEFAULT_RECORD_LOOKUP, settings.engine().recordLookup());
    assertEquals(NatsSettings.DEFAULT_LIVE_WORKER_WINDOW, settings.nats().liveWorkerWindow());
  }

  @Test
  void aValueAPartRefusesStopsTheMapping() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings(Map.of("FAAS_DOCKER_HOST", "not a uri")));
    assertTrue(e.getMessage().contains("not a uri"), e.getMessage());
  }

  @Test
  void imageCollectionTimesOutOfRangeAreRefusedNamingTheirVariable() {
    IllegalArgumentException grace =
        assertThrows(
            IllegalArgumentException.class, () -> settings(Map.of("FAAS_IMAGE_GC_GRACE", "-1s")));
    assertTrue(grace.getMessage().contains("FAAS_IMAGE_GC_GRACE"), grace.getMessage());
    IllegalArgumentException every =
        assertThrows(
            IllegalArgumentException.class, () -> settings(Map.of("FAAS_IMAGE_GC_EVERY", "500ms")));
    assertTrue(every.getMessage().contains("FAAS_IMAGE_GC_EVERY"), every.getMessage());
  }

  @Test
  void passwordHashingIsBoundedByItsThreadsAndQueue() {
    NodeConfig defaults = nodeConfig(Map.of());
    assertEquals(2, defaults.hashThreads());
    assertEquals(16, defaults.hashQueue());
    NodeConfig set = nodeConfig(Map.of("FAAS_HASH_THREADS", "4", "FAAS_HASH_QUEUE", "0"));
    assertEquals(4, set.hashThreads());
    assertEquals(0, set.hashQueue());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class, () -> nodeConfig(Map.of("FAAS_HASH_QUEUE", "-1")));
    assertTrue(negative.getMessage().contains("FAAS_HASH_QUEUE"), negative.getMessage());
  }

  @Test
  void theMetricsCapIsTwoHundredFunctionsUnlessSet() {
    assertEquals(200, nodeConfig(Map.of()).metricsMaxFunctions());
    assertEquals(
        50, nodeConfig(Map.of("FAAS_METRICS_MAX_FUNCTIONS", "50")).metricsMaxFunctions());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> nodeConfig(Map.of("FAAS_METRICS_MAX_FUNCTIONS", "-1")));
    assertTrue(
        negative.getMessage().contains("FAAS_METRICS_MAX_FUNCTIONS"), negative.getMessage());
  }

  private static Arguments row(
      String variable, String value, Function<PartSettings, Object> read, Object expected) {
    return Arguments.of(variable, value, read, expected);
  }

  /** The node's settings as the environment {@code env} (over {@link #BASE}) would make them. */
  private static PartSettings settings(Map<String, String> env) {
    return PartSettings.from(nodeConfig(env));
  }

  private static NodeConfig nodeConfig(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(BASE);
    all.putAll(env);
    // The variables sit at the root, where the file's ${?FAAS_...} substitutions look first; the
    // process's own environment is left out, so the test machine's cannot change a row's outcome.
    Config config =
        ConfigFactory.parseResources("application.conf")
            .withFallback(ConfigFactory.parseMap(all))
            .resolve(ConfigResolveOptions.noSystem());
    return NodeConfig.from(config);
  }
}
