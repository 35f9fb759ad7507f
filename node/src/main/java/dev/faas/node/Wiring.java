package dev.faas.node;

import dev.faas.docker.DockerSettings;
import dev.faas.nats.NatsSettings;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;

/** Turns the node's configuration into the settings of each part. */
final class Wiring {
  private Wiring() {}

  static NatsSettings natsSettings(NodeConfig config) {
    return new NatsSettings(
            config.natsUrls(),
            "faas-" + Engine.nodeId(config),
            config.kvReplicas(),
            config.activationTtl(),
            config.natsRequestTimeout())
        .withMaxConcurrent(config.maxConcurrent())
        .withAckWait(config.ackWait());
  }

  static DockerSettings dockerSettings(NodeConfig config) {
    return DockerSettings.defaults(platformName())
        .withDockerHost(URI.create(config.dockerHost()))
        .withApiVersion(config.dockerApiVersion())
        .withCallTimeout(config.dockerCallTimeout())
        .withFaasInit(config.faasInit())
        .withPrecallCpu(config.poolPrecallCpu());
  }

  /** The label value every container of this platform carries; all nodes of a cluster agree. */
  static String platformName() {
    String name = System.getenv("FAAS_PLATFORM");
    return name == null || name.isBlank() ? "faas" : name;
  }

  /** Binds {@code route} on the configured interface and port, with TLS unless turned off. */
  static CompletionStage<ServerBinding> bind(ActorSystem<?> system, NodeConfig config, Route route) {
    ServerBuilder server = Http.get(system).newServerAt(config.httpInterface(), config.port());
    if (config.tls()) {
      try {
        server = server.enableHttps(ConnectionContext.httpsServer(TlsContext.serverContext(config)));
      } catch (IOException | GeneralSecurityException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return server.bind(route);
  }
}
