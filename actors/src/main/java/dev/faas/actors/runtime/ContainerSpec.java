package dev.faas.actors.runtime;

import java.util.List;
import java.util.Map;

/**
 * Everything that shapes one function container. Two activations whose specs are equal (labels
 * aside) could be served by interchangeable containers.
 *
 * @param image the validated image reference
 * @param args appended to the image's own command (entrypoint + cmd); empty for stdin input
 * @param env environment variables
 * @param memoryBytes memory limit (swap the same: no swap beyond it)
 * @param nanoCpus CPU quota in billionths of a CPU
 * @param pidsLimit most processes the container may hold
 * @param network false: no network at all ({@code --network none}); true: the default bridge
 * @param tmpfsBytes size of the writable tmpfs at /tmp (the root filesystem is read-only)
 * @param labels labels naming the platform, the activation and the worker
 */
public record ContainerSpec(
    String image,
    List<String> args,
    Map<String, String> env,
    long memoryBytes,
    long nanoCpus,
    long pidsLimit,
    boolean network,
    long tmpfsBytes,
    Map<String, String> labels) {

  /** The label every platform container carries; its value is the platform's instance name. */
  public static final String PLATFORM_LABEL = "dev.faas.platform";
  public static final String ACTIVATION_LABEL = "dev.faas.activation";
  public static final String WORKER_LABEL = "dev.faas.worker";

  public ContainerSpec {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    labels = Map.copyOf(labels);
  }
}
