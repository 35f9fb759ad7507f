package dev.faas.actors.worker.pool;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.runtime.ContainerSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that shapes a pooled container: a {@link ContainerSpec} without its arguments
 * (always none for pooled containers) and without its labels. Two activations with equal keys
 * can be served by interchangeable containers, whichever function they belong to.
 */
public record PoolKey(
    String image,
    Map<String, String> env,
    long memoryBytes,
    long nanoCpus,
    long pidsLimit,
    boolean network,
    long tmpfsBytes) {

  /** The label naming a pooled container's key ({@link #hash()}). */
  public static final String POOL_LABEL = "dev.faas.pool";

  public PoolKey {
    env = Map.copyOf(env);
  }

  /**
   * True when an activation may get a pre-started container: its parameter comes on stdin.
   * An {@code arg} function's parameter is part of the container's command, so its container
   * can only be made once the parameter is known.
   */
  public static boolean poolable(ContainerSpec spec, FunctionSpec function) {
    return function.inputMode() != InputMode.ARG && spec.args().isEmpty();
  }

  /** The key of an activation's spec; fails for a spec with arguments. */
  public static PoolKey of(ContainerSpec spec) {
    if (!spec.args().isEmpty()) {
      throw new IllegalArgumentException("a container with arguments is never pooled");
    }
    return new PoolKey(spec.image(), spec.env(), spec.memoryBytes(), spec.nanoCpus(),
        spec.pidsLimit(), spec.network(), spec.tmpfsBytes());
  }

  /**
   * The spec a pooled container is started from. It names the platform, the worker and the key,
   * but no activation: labels cannot change once a container exists, and the activation is not
   * known yet. The runner's record names the activation; the runner removes the container.
   */
  public ContainerSpec spec(String platformName, String workerId) {
    return new ContainerSpec(image, java.util.List.of(), env, memoryBytes, nanoCpus, pidsLimit,
        network, tmpfsBytes,
        Map.of(
            ContainerSpec.PLATFORM_LABEL, platformName,
            ContainerSpec.WORKER_LABEL, workerId,
            POOL_LABEL, hash()));
  }

  /** A stable 16-hex-digit digest of the key, for labels and metrics (env values stay hidden). */
  public String hash() {
    StringBuilder canonical = new StringBuilder(image).append('\0');
    new TreeMap<>(env).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\0'));
    canonical.append(memoryBytes).append('\0').append(nanoCpus).append('\0').append(pidsLimit)
        .append('\0').append(network).append('\0').append(tmpfsBytes);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** Without env values: they may hold secrets and keys end up in logs. */
  @Override
  public String toString() {
    return "PoolKey[" + image + " " + hash() + "]";
  }
}
