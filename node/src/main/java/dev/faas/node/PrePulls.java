package dev.faas.node;

import dev.faas.actors.Stages;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.docker.DockerContainerRuntime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker pulls the image of a function registered or updated (its run image changed) ahead of
 * its first call, from the functions' KV watch. What the watch delivers before it caught up (every
 * function again, after each reconnect) is only recorded: a worker that starts pulls on demand.
 * A pre-pull that fails is logged and counted with the engine's pulls; the call that needs the
 * image tries again.
 */
final class PrePulls implements ChangeListener<FunctionSpec> {
  private static final Logger log = LoggerFactory.getLogger(PrePulls.class);

  private final DockerContainerRuntime docker;
  private final Map<String, String> images = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;

  PrePulls(DockerContainerRuntime docker) {
    this.docker = docker;
  }

  @Override
  public void put(String key, Versioned<FunctionSpec> entry) {
    String image = entry.value().runImage();
    String before = images.put(key, image);
    if (caughtUp && !image.equals(before)) {
      Stages.attempt(() -> docker.prefetch(image))
          .whenComplete(
              (done, failure) -> {
                if (failure != null) {
                  log.warn("Pre-pull of image [{}] for function [{}] failed: [{}]", image, key,
                      Stages.unwrap(failure).getMessage());
                }
              });
    }
  }

  @Override
  public void removed(String key, long revision) {
    images.remove(key);
  }

  @Override
  public void caughtUp() {
    caughtUp = true;
  }
}
