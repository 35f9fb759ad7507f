package dev.faas.actors.model;

import java.time.Instant;
import java.util.Map;

/**
 * A registered function: a Docker image and the limits its containers run with.
 *
 * @param owner the user id ({@link User#userId}) of the user that registered it, never the
 *     username: a name registered again after its user was deleted owns nothing; functions are
 *     never shared
 * @param name the function's name, unique per owner
 * @param image a validated Docker image reference, as the user gave it
 * @param imageState what the reference was pinned to, and whether it can run
 * @param timeoutMs the most an activation may run before its container is killed
 * @param memoryMb the container's memory limit
 * @param description free text, may be empty
 * @param env environment variables given to every container of the function
 * @param inputMode where the parameter goes
 * @param network whether containers get a network (default none: the sandbox)
 * @param maxConcurrency the most activations of it running at once in the cluster; 0: only the
 *     owner's limit
 * @param createdAt when it was first registered
 * @param updatedAt when it last changed
 * @param retries how many more attempts the function's own failure (non-zero exit, timeout, out
 *     of memory...) may cost an asynchronous activation of it; 0 (the default): none
 */
public record FunctionSpec(
    String owner,
    String name,
    String image,
    ImageState imageState,
    int timeoutMs,
    int memoryMb,
    String description,
    Map<String, String> env,
    InputMode inputMode,
    boolean network,
    int maxConcurrency,
    Instant createdAt,
    Instant updatedAt,
    int retries) {

  /** The most {@code retries} a function may declare. */
  public static final int MAX_RETRIES = 10;

  public static final int DEFAULT_TIMEOUT_MS = 30_000;
  public static final int MIN_TIMEOUT_MS = 100;
  public static final int MAX_TIMEOUT_MS = 300_000;
  public static final int DEFAULT_MEMORY_MB = 128;
  public static final int MIN_MEMORY_MB = 16;
  public static final int MAX_MEMORY_MB = 4096;

  public FunctionSpec {
    imageState = imageState == null ? ImageState.asIs() : imageState;
    env = env == null ? Map.of() : Map.copyOf(env);
    description = description == null ? "" : description;
    inputMode = inputMode == null ? InputMode.STDIN : inputMode;
    maxConcurrency = Math.max(0, maxConcurrency);
    retries = Math.max(0, retries);
  }

  /** A function without a concurrency limit of its own. */
  public FunctionSpec(
      String owner,
      String name,
      String image,
      ImageState imageState,
      int timeoutMs,
      int memoryMb,
      String description,
      Map<String, String> env,
      InputMode inputMode,
      boolean network,
      Instant createdAt,
      Instant updatedAt) {
    this(
        owner, name, image, imageState, timeoutMs, memoryMb, description, env, inputMode, network,
        0, createdAt, updatedAt, 0);
  }

  /** A function whose image is run as it is, not pinned: what tests and old records build. */
  public FunctionSpec(
      String owner,
      String name,
      String image,
      int timeoutMs,
      int memoryMb,
      String description,
      Map<String, String> env,
      InputMode inputMode,
      boolean network,
      Instant createdAt,
      Instant updatedAt) {
    this(
        owner, name, image, ImageState.asIs(), timeoutMs, memoryMb, description, env, inputMode,
        network, 0, createdAt, updatedAt, 0);
  }

  /**
   * What activations run: {@code repository@digest} when the image is pinned (the tag, if any,
   * dropped: the digest decides), else the reference as it is.
   */
  public String runImage() {
    String digest = imageState.digest();
    return digest == null ? image : ImageNames.repository(image) + "@" + digest;
  }

  /** This function with its image in {@code state}. */
  public FunctionSpec withImageState(ImageState state) {
    return new FunctionSpec(
        owner, name, image, state, timeoutMs, memoryMb, description, env, inputMode, network,
        maxConcurrency, createdAt, updatedAt, retries);
  }

  public FunctionId id() {
    return new FunctionId(owner, name);
  }

  /** The store key, {@link FunctionId#key()}: owner first, the key space segmented by user. */
  public String key() {
    return FunctionId.key(owner, name);
  }
}
