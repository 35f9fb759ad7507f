package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.runtime.ContainerSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSpecsTest {
  private static final byte[] INPUT = "päram ✓".getBytes(StandardCharsets.UTF_8);

  @Test
  void stdinModeWritesTheParameterAndAddsNoArgument() {
    ActivationRequest request = Fns.request("act0000001", Fns.function("img", 1000), INPUT);
    ContainerSpec spec =
        ContainerSpecs.forActivation(request, "w9", "plat", RunnerSettings.defaults());
    assertEquals(List.of(), spec.args());
    assertArrayEquals(INPUT, ContainerSpecs.stdin(request));
  }

  @Test
  void argModeAddsTheParameterAsOneArgumentAndWritesNothing() {
    ActivationRequest request =
        Fns.request("act0000001", Fns.function("img", 1000, InputMode.ARG), INPUT);
    ContainerSpec spec =
        ContainerSpecs.forActivation(request, "w9", "plat", RunnerSettings.defaults());
    assertEquals(List.of("päram ✓"), spec.args());
    assertEquals(0, ContainerSpecs.stdin(request).length);
  }

  @Test
  void limitsComeFromTheFunctionAndTheWorker() {
    Instant t = Instant.now();
    FunctionSpec fn = new FunctionSpec("bob", "net", "registry.local/img:1", 1000, 256, "",
        Map.of("A", "1"), InputMode.STDIN, true, t, t);
    ContainerSpec spec = ContainerSpecs.forActivation(
        Fns.request("act0000002", fn, INPUT), "w9", "plat", RunnerSettings.defaults());
    assertEquals("registry.local/img:1", spec.image());
    assertEquals(256L * 1024 * 1024, spec.memoryBytes());
    assertEquals(1_000_000_000L, spec.nanoCpus());
    assertEquals(64, spec.pidsLimit());
    assertEquals(16L * 1024 * 1024, spec.tmpfsBytes());
    assertEquals(true, spec.network());
    assertEquals(Map.of("A", "1"), spec.env());
    assertEquals(Map.of(ContainerSpec.PLATFORM_LABEL, "plat", ContainerSpec.ACTIVATION_LABEL,
        "act0000002", ContainerSpec.WORKER_LABEL, "w9"), spec.labels());
  }
}
