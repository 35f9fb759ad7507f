package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.runtime.ContainerSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** How an activation's container is shaped from its function and the worker's settings. */
public final class ContainerSpecs {
  private ContainerSpecs() {}

  /**
   * The container for {@code request}: the function's image (pinned to its digest when it has
   * one: {@link FunctionSpec#runImage()}), env, memory and network choice, the
   * worker's CPU, pids and tmpfs limits, and labels naming the platform, activation and worker.
   * For {@link InputMode#ARG} the parameter is the one argument appended to the image's command.
   */
  public static ContainerSpec forActivation(
      ActivationRequest request, String workerId, String platformName, RunnerSettings settings) {
    FunctionSpec function = request.function();
    List<String> args =
        function.inputMode() == InputMode.ARG
            ? List.of(new String(request.input(), StandardCharsets.UTF_8))
            : List.of();
    return new ContainerSpec(
        function.runImage(),
        args,
        function.env(),
        function.memoryMb() * RunnerSettings.MIB,
        settings.nanoCpus(),
        settings.pidsLimit(),
        function.network(),
        settings.tmpfsBytes(),
        Map.of(
            ContainerSpec.PLATFORM_LABEL, platformName,
            ContainerSpec.ACTIVATION_LABEL, request.activationId(),
            ContainerSpec.WORKER_LABEL, workerId));
  }

  /** What the container reads on stdin: the parameter, or nothing when it came as an argument. */
  public static byte[] stdin(ActivationRequest request) {
    return request.function().inputMode() == InputMode.ARG ? new byte[0] : request.input();
  }
}
