package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The create request's sandbox, without an engine. */
class SandboxTest {
  private final DockerSettings settings = DockerSettings.defaults("unit");

  private static ContainerSpec spec(boolean network, Map<String, String> labels) {
    return new ContainerSpec(
        "img:1", List.of(), Map.of("B", "2", "A", "1"), 128L << 20, 500_000_000L, 32, network,
        8L << 20, labels);
  }

  @Test
  void isolatesByDefault() {
    HostConfig host = Sandbox.hostConfig(spec(false, Map.of()), settings);

    assertEquals("none", host.getNetworkMode());
    assertEquals(true, host.getReadonlyRootfs());
    assertEquals(
        Map.of(
            "/tmp", "rw,noexec,nosuid,size=8388608",
            "/dev", "rw,dev,noexec,nosuid,mode=755,size=65536",
            "/dev/shm", "rw,nodev,noexec,nosuid,size=67108864"),
        host.getTmpFs());
    assertArrayEquals(new Capability[] {Capability.ALL}, host.getCapDrop());
    assertEquals(List.of("no-new-privileges"), host.getSecurityOpts());
    assertEquals(true, host.getInit());
    assertEquals(32L, host.getPidsLimit());
    assertEquals(128L << 20, host.getMemory());
    assertEquals(128L << 20, host.getMemorySwap());
    assertEquals(500_000_000L, host.getNanoCPUs());
  }

  @Test
  void networkOnlyWhenAsked() {
    assertEquals(
        "faas-egress", Sandbox.hostConfig(spec(true, Map.of()), settings).getNetworkMode());
  }

  @Test
  void platformLabelIsThisPlatformsName() {
    Map<String, String> labels =
        Sandbox.labels(
            spec(false, Map.of(ContainerSpec.PLATFORM_LABEL, "other", "k", "v")), settings);

    assertEquals(Map.of(ContainerSpec.PLATFORM_LABEL, "unit", "k", "v"), labels);
  }

  @Test
  void envInAStableOrder() {
    assertEquals(List.of("A=1", "B=2"), Sandbox.env(spec(false, Map.of())));
  }

  @Test
  void argsFollowTheImageCommand() {
    assertEquals(
        List.of("echo", "hello", "world"),
        Sandbox.command(new String[] {"echo", "hello"}, List.of("world")));
    assertEquals(List.of("world"), Sandbox.command(null, List.of("world")));
  }

  @Test
  void functionsRunUnprivilegedUnlessTheOperatorSaysOtherwise() {
    assertEquals("65534:65534", Sandbox.user(settings));
    assertEquals(
        "",
        Sandbox.user(settings.withSandbox(SandboxSettings.defaults().withFunctionUser(""))));
  }

  @Test
  void settingsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> DockerSettings.defaults(" "));
    assertThrows(
        IllegalArgumentException.class,
        () -> SandboxSettings.defaults().withFunctionUser("nobody"));
  }

  @Test
  void underFaasInitTheVolumeIsReadOnlyAndDockerInitIsOff() {
    HostConfig host =
        Sandbox.underFaasInit(Sandbox.hostConfig(spec(false, Map.of()), settings), "faas-init-x");

    assertEquals(false, host.getInit());
    Mount mount = host.getMounts().get(0);
    assertEquals(1, host.getMounts().size());
    assertEquals(MountType.VOLUME, mount.getType());
    assertEquals("faas-init-x", mount.getSource());
    assertEquals(FaasInit.MOUNT, mount.getTarget());
    assertEquals(true, mount.getReadOnly());
    assertEquals(true, mount.getVolumeOptions().getNoCopy());
    assertEquals(true, host.getReadonlyRootfs(), "the rest of the sandbox is kept");
  }

  @Test
  void faasInitRunsTheImagesEntrypointThenItsCommandWithinItsPreCallBudget() {
    Duration budget = Duration.ofMillis(1500);
    List<String> init = List.of(FaasInit.PATH, "--precall-cpu-ms=1500", "--");
    assertEquals(
        concat(init, List.of("sh", "-c", "script", "arg")),
        Sandbox.underFaasInit(new String[] {"sh", "-c"}, new String[] {"script", "arg"}, budget));
    assertEquals(
        concat(init, List.of("cat")), Sandbox.underFaasInit(null, new String[] {"cat"}, budget));
    assertEquals(
        concat(init, List.of("/entry")),
        Sandbox.underFaasInit(new String[] {"/entry"}, null, budget));
    assertEquals(
        List.of(), Sandbox.underFaasInit(null, new String[0], budget), "no command: none");
  }

  @Test
  void thePreCallBudgetDefaultsToASecondAndIsNeverNegative() {
    assertEquals(Duration.ofSeconds(1), settings.precallCpu());
    assertEquals(Duration.ZERO, settings.withPrecallCpu(Duration.ZERO).precallCpu());
    assertThrows(
        IllegalArgumentException.class, () -> settings.withPrecallCpu(Duration.ofMillis(-1)));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
