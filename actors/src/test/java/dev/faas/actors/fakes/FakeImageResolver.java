package dev.faas.actors.fakes;

import dev.faas.actors.image.ImageResolution;
import dev.faas.actors.image.ImageResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link ImageResolver} that answers what the test set per reference, {@link
 * ImageResolution.Local} for any other, and remembers who asked for what.
 */
public final class FakeImageResolver implements ImageResolver {
  private final Map<String, ImageResolution> answers = new ConcurrentHashMap<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();

  /** From now on {@code reference} resolves to {@code resolution}. */
  public FakeImageResolver answer(String reference, ImageResolution resolution) {
    answers.put(reference, resolution);
    return this;
  }

  /** {@code owner/reference} of every resolution asked, in order. */
  public List<String> asked() {
    return List.copyOf(asked);
  }

  @Override
  public CompletionStage<ImageResolution> resolve(String owner, String reference) {
    asked.add(owner + "/" + reference);
    return CompletableFuture.completedFuture(
        answers.getOrDefault(reference, new ImageResolution.Local()));
  }
}
