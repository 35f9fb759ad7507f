package dev.faas.actors.worker.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.worker.ContainerSpecs;
import dev.faas.actors.worker.RunnerSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolKeyTest {
  private static final RunnerSettings RUNNER = RunnerSettings.defaults();

  private static ContainerSpec spec(String activationId, FunctionSpec fn) {
    return ContainerSpecs.forActivation(Fns.request(activationId, fn, "x".getBytes()), "w1",
        "faas", RUNNER);
  }

  @Test
  void activationsOfOneFunctionShareAKey() {
    FunctionSpec fn = Fns.function("echo", 1000);
    assertEquals(PoolKey.of(spec("a000000001", fn)), PoolKey.of(spec("a000000002", fn)));
    assertEquals(PoolKey.of(spec("a000000001", fn)).hash(),
        PoolKey.of(spec("a000000002", fn)).hash());
  }

  @Test
  void everythingThatShapesTheContainerIsInTheKey() {
    ContainerSpec base = spec("a000000001", Fns.function("echo", 1000));
    PoolKey key = PoolKey.of(base);
    List<ContainerSpec> others = List.of(
        new ContainerSpec("other", List.of(), base.env(), base.memoryBytes(), base.nanoCpus(),
            base.pidsLimit(), base.network(), base.tmpfsBytes(), base.labels()),
        new ContainerSpec(base.image(), List.of(), Map.of("K", "W"), base.memoryBytes(),
            base.nanoCpus(), base.pidsLimit(), base.network(), base.tmpfsBytes(), base.labels()),
        new ContainerSpec(base.image(), List.of(), base.env(), base.memoryBytes() + 1,
            base.nanoCpus(), base.pidsLimit(), base.network(), base.tmpfsBytes(), base.labels()),
        new ContainerSpec(base.image(), List.of(), base.env(), base.memoryBytes(),
            base.nanoCpus() + 1, base.pidsLimit(), base.network(), base.tmpfsBytes(),
            base.labels()),
        new ContainerSpec(base.image(), List.of(), base.env(), base.memoryBytes(),
            base.nanoCpus(), base.pidsLimit() + 1, base.network(), base.tmpfsBytes(),
            base.labels()),
        new ContainerSpec(base.image(), List.of(), base.env(), base.memoryBytes(),
            base.nanoCpus(), base.pidsLimit(), !base.network(), base.tmpfsBytes(), base.labels()),
        new ContainerSpec(base.image(), List.of(), base.env(), base.memoryBytes(),
            base.nanoCpus(), base.pidsLimit(), base.network(), base.tmpfsBytes() + 1,
            base.labels()));
    for (ContainerSpec other : others) {
      assertNotEquals(key, PoolKey.of(other), other.toString());
      assertNotEquals(key.hash(), PoolKey.of(other).hash(), other.toString());
    }
  }

  @Test
  void pooledSpecsNameWorkerPlatformAndKeyButNoActivation() {
    PoolKey key = PoolKey.of(spec("a000000001", Fns.function("echo", 1000)));
    ContainerSpec pooled = key.spec("faas", "w1");
    assertEquals(Map.of(ContainerSpec.PLATFORM_LABEL, "faas", ContainerSpec.WORKER_LABEL, "w1",
        PoolKey.POOL_LABEL, key.hash()), pooled.labels());
    assertTrue(pooled.args().isEmpty());
    assertEquals(key, PoolKey.of(pooled));
    assertEquals(16, key.hash().length());
  }

  @Test
  void argFunctionsAreNeverPoolable() {
    FunctionSpec arg = Fns.function("echo", 1000, InputMode.ARG);
    ContainerSpec spec = spec("a000000001", arg);
    assertFalse(PoolKey.poolable(spec, arg));
    assertThrows(IllegalArgumentException.class, () -> PoolKey.of(spec));
    FunctionSpec stdin = Fns.function("echo", 1000);
    assertTrue(PoolKey.poolable(spec("a000000002", stdin), stdin));
  }

  @Test
  void envValuesStayOutOfItsText() {
    ContainerSpec base = spec("a000000001", Fns.function("echo", 1000));
    PoolKey key = PoolKey.of(new ContainerSpec(base.image(), List.of(),
        Map.of("TOKEN", "s3cr3t"), 1, 1, 1, false, 1, Map.of()));
    assertFalse(key.toString().contains("s3cr3t"), key.toString());
  }
}
