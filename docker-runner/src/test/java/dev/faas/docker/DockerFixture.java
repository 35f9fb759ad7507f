package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.typesafe.config.ConfigFactory;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.runtime.OutputFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every integration test class shares: one runtime on the local engine labelling its
 * containers with a platform name of its own, an actor system to consume output, the test images,
 * and the check after each test that none of its containers is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DockerFixture {
  static final long MIB = 1024 * 1024;
  static final Duration PATIENCE = Duration.ofSeconds(30);

  final String platform = "faas-it-" + UUID.randomUUID().toString().substring(0, 8);
  ActorSystem system;
  ExecutorService executor;
  DockerContainerRuntime runtime;
  DockerClient docker;

  @BeforeAll
  void startRuntime() {
    system =
        ActorSystem.create(
            getClass().getSimpleName(), ConfigFactory.parseString("pekko.loglevel = WARNING"));
    executor = Executors.newFixedThreadPool(8);
    DockerSettings settings = settings();
    runtime = new DockerContainerRuntime(settings, executor);
    docker = DockerClients.streaming(settings, new Deadlines());
    try {
      docker.pingCmd().exec();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "No Docker engine at " + settings.dockerHost() + ": start dockerd first", e);
    }
    TestImages.build(docker, Path.of("target", "test-images"));
  }

  /** The runtime's settings; a test class may change them. */
  DockerSettings settings() {
    return DockerSettings.defaults(platform);
  }

  @AfterEach
  void nothingLeftBehind() {
    List<Container> left = platformContainers();
    for (Container c : left) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
    }
    assertEquals(List.of(), left.stream().map(Container::getId).toList(), "containers left");
  }

  @AfterAll
  void stopRuntime() throws Exception {
    runtime.close();
    docker.close();
    executor.shutdownNow();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  List<Container> platformContainers() {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(ContainerSpec.PLATFORM_LABEL, platform))
        .exec();
  }

  /** A stdin-mode spec with generous limits. */
  static ContainerSpec spec(String image) {
    return spec(image, List.of(), 64 * MIB, 64, Map.of());
  }

  static ContainerSpec spec(
      String image, List<String> args, long memory, long pids, Map<String, String> labels) {
    Map<String, String> all = new HashMap<>(labels);
    all.put(ContainerSpec.ACTIVATION_LABEL, UUID.randomUUID().toString());
    all.put(ContainerSpec.WORKER_LABEL, "it");
    return new ContainerSpec(
        image, args, Map.of("FAAS_TEST", "1"), memory, 1_000_000_000L, pids, false, 16 * MIB, all);
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  /** Everything a source emitted, split by channel. */
  record Output(ByteString stdout, ByteString stderr) {
    String out() {
      return stdout.decodeString(StandardCharsets.UTF_8);
    }

    String err() {
      return stderr.decodeString(StandardCharsets.UTF_8);
    }
  }

  /** One activation's outcome. */
  record Result(Output output, ContainerExit exit) {}

  Output collect(Source<OutputFrame, NotUsed> source) throws Exception {
    return await(
        source.runWith(
            Sink.fold(
                new Output(ByteString.emptyByteString(), ByteString.emptyByteString()),
                (acc, frame) ->
                    frame.channel() == OutputFrame.Channel.STDOUT
                        ? new Output(acc.stdout().concat(frame.bytes()), acc.stderr())
                        : new Output(acc.stdout(), acc.stderr().concat(frame.bytes()))),
            system));
  }

  /** A whole cycle: start, run, wait for the exit, remove. */
  Result activate(ContainerSpec spec, byte[] input) throws Exception {
    dev.faas.actors.runtime.Container container = await(runtime.start(spec));
    try {
      Output output = collect(container.run(input));
      return new Result(output, await(container.exit()));
    } finally {
      await(container.remove());
    }
  }

  Result activate(ContainerSpec spec, String input) throws Exception {
    return activate(spec, input.getBytes(StandardCharsets.UTF_8));
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code limit} has passed. */
  static void eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit);
      }
      Thread.sleep(20);
    }
  }

  /** Runs the docker CLI, which speaks the same engine; fails with its output when it fails. */
  static void cli(String... args) throws java.io.IOException, InterruptedException {
    java.util.List<String> command =
        new java.util.ArrayList<>(java.util.List.of("/usr/bin/docker"));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + out);
    }
  }
}
