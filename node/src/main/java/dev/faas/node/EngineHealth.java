package dev.faas.node;

import dev.faas.actors.worker.EngineListener;

/**
 * Whether the worker's engine can start containers, as its worker last found (it checks every
 * few seconds): the {@code docker} check of /readyz reads a flag, never the engine. Not ready
 * until the first check has passed.
 */
final class EngineHealth implements EngineListener {
  private volatile boolean canStart;

  @Override
  public void changed(boolean canStart, String detail) {
    this.canStart = canStart;
  }

  boolean canStart() {
    return canStart;
  }
}
