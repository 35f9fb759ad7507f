package dev.faas.actors.image;

/** The answer of an {@link ImageResolver}. */
public sealed interface ImageResolution {

  /**
   * The reference names this content: activations run {@code repository@digest}.
   *
   * @param digest the manifest's content digest, {@code sha256:<64 hex>}
   */
  record Pinned(String digest) implements ImageResolution {}

  /**
   * Local-first only: the engine has an image by this reference and no registry pinned it;
   * activations run the reference as it is (a locally built image, rebuilt by its operator).
   */
  record Local() implements ImageResolution {}

  /**
   * The reference cannot be run by this owner.
   *
   * @param reason which of the refusals it is
   * @param detail one sentence for the caller, naming the registry and what it answered
   */
  record Refused(Reason reason, String detail) implements ImageResolution {}

  /** Why a reference was refused. */
  enum Reason {
    /** The registry has no such repository, tag or digest. */
    NOT_FOUND,
    /** The registry refused the owner's credentials, or wants some and the owner has none. */
    UNAUTHORIZED,
    /** The registry did not answer, or not as a registry does, within the deadline. */
    UNREACHABLE,
    /** The registry host is not among those the operator allows. */
    NOT_ALLOWED
  }
}
