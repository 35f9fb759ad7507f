package dev.faas.actors.fakes;

import dev.faas.actors.engine.InFlight;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps the last figures an API node's engine reported, as the node's gauges do. */
public final class CountingInFlight implements InFlight {
  private final AtomicInteger activations = new AtomicInteger();
  private final AtomicInteger permits = new AtomicInteger();
  private final AtomicInteger peakActivations = new AtomicInteger();

  @Override
  public void activations(int count) {
    activations.set(count);
    peakActivations.accumulateAndGet(count, Math::max);
  }

  @Override
  public void permits(int count) {
    permits.set(count);
  }

  /** Activation actors alive, as last reported. */
  public int activations() {
    return activations.get();
  }

  /** The most activation actors ever reported alive at once. */
  public int peakActivations() {
    return peakActivations.get();
  }

  /** Node permits held, as last reported. */
  public int permits() {
    return permits.get();
  }
}
