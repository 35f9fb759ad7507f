package dev.faas.actors.trace;

/** The spans of an activation and their attributes: one list, for the code and the docs. */
public final class SpanNames {
  /** API node: waiting for the node's permit (the node's own bound on calls in flight). */
  public static final String ADMISSION = "faas.admission";
  /** API node: the submit to the queue (per-user permits and the JetStream publish). */
  public static final String PUBLISH = "faas.activations publish";
  /** Worker: the activation from its take to its answer. */
  public static final String PROCESS = "faas.activations process";
  /** Worker: getting a container, warm or cold. */
  public static final String ACQUIRE = "faas.container.acquire";
  /** Worker: the image pull a cold start waited for, when there was one. */
  public static final String PULL = "faas.image.pull";
  /** Worker: the function's run, parameter in to exit. */
  public static final String RUN = "faas.run";
  /** Worker: one write of the activation record. */
  public static final String RECORD_WRITE = "faas.record.write";

  /** Attributes. */
  public static final String ACTIVATION_ID = "faas.activation.id";

  public static final String FUNCTION = "faas.function";
  public static final String REQUEST_ID = "faas.request.id";
  public static final String WORKER = "faas.worker";
  /** {@code warm} or {@code cold}. */
  public static final String START = "faas.container.start";

  public static final String IMAGE = "faas.image";
  public static final String STATUS = "faas.activation.status";
  /** The worker a publish was routed to (a warm one); absent for any worker. */
  public static final String ROUTED_TO = "faas.routed.worker";
  public static final String ATTEMPT = "faas.attempt";

  private SpanNames() {}
}
