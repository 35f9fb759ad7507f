package dev.faas.actors.image;

import java.util.concurrent.CompletionStage;

/**
 * Turns a function's image reference into what its activations run, on behalf of the function's
 * owner: under the registry policy the reference's content digest, read from its registry with
 * the owner's own credentials; under local-first an image the engine already has may be used as
 * it is. Registering or updating a function asks it once; activations never do.
 */
public interface ImageResolver {

  /**
   * What {@code reference} (a validated reference, never an image id) resolves to for {@code
   * owner}. The stage does not fail for a reason about the image (those are {@link
   * ImageResolution.Refused}); it fails only when a platform part (the credential store) is away.
   */
  CompletionStage<ImageResolution> resolve(String owner, String reference);
}
