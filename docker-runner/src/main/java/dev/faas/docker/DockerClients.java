package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;

/**
 * Builds the two docker-java clients the runtime uses. They differ in one way that matters: the
 * Apache transport applies its response timeout as a read timeout for the whole response, which
 * would cut an attach or a wait on a function that stays silent longer than that. So short calls
 * get a client with a timeout and a small pool, and streaming calls a client without one and a
 * pool sized for the activations in flight. Both go through {@link DeadlineHttpClient}: every
 * control call, and the answer to every streaming call, ends by {@link
 * DockerSettings#callTimeout()} whatever the engine does.
 */
final class DockerClients {
  /** Pulls of distinct images at once; more wait for a connection, within their deadline. */
  static final int PULL_CONNECTIONS = 4;

  private DockerClients() {}

  /** A client for calls that answer at once: create, start, inspect, kill, remove, list, ping. */
  static DockerClient control(DockerSettings settings, Deadlines deadlines) {
    return build(
        settings,
        settings.maxControlConnections(),
        settings.callTimeout(),
        settings.callTimeout(),
        deadlines,
        DeadlineHttpClient.Mode.CALL);
  }

  /** A client for attach and wait, which last as long as the container's process. */
  static DockerClient streaming(DockerSettings settings, Deadlines deadlines) {
    return build(
        settings,
        settings.maxStreamConnections(),
        null,
        settings.callTimeout(),
        deadlines,
        DeadlineHttpClient.Mode.STREAM);
  }

  /**
   * A client for pulls: streaming, as a pull's progress lasts as long as the download. The engine
   * answers a pull only once the registry has, so the call deadline would cut a slow registry
   * short: the answer's deadline is the pull's ({@link DockerSettings#pullTimeout()}), plus the
   * call deadline so that {@link ImagePuller}'s own wait, on the same limit, ends first and says
   * why; this one only frees the thread and connection of a pull whose engine never answered.
   */
  static DockerClient pulls(DockerSettings settings, Deadlines deadlines) {
    return build(
        settings,
        PULL_CONNECTIONS,
        null,
        settings.pullTimeout().plus(settings.callTimeout()),
        deadlines,
        DeadlineHttpClient.Mode.STREAM);
  }

  private static DockerClient build(
      DockerSettings settings,
      int connections,
      Duration timeout,
      Duration answerDeadline,
      Deadlines deadlines,
      DeadlineHttpClient.Mode mode) {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(settings.dockerHost().toString())
            .withApiVersion(settings.apiVersion())
            .build();
    ApacheDockerHttpClient.Builder http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(connections)
            .connectionTimeout(settings.connectTimeout());
    if (timeout != null) {
      http.responseTimeout(timeout);
    }
    return DockerClientImpl.getInstance(
        config, new DeadlineHttpClient(http.build(), deadlines, answerDeadline, mode));
  }
}
