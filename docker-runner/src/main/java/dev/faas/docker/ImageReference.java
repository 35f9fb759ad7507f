package dev.faas.docker;

/**
 * An image reference split the way the engine's pull call takes it: a repository and a tag or
 * digest. A reference with neither means {@code latest}, as for {@code docker pull}: the engine
 * given a bare repository would pull every tag of it.
 *
 * @param repository the reference without its tag or digest, registry host and port included
 * @param tag the tag, or the digest ({@code sha256:...}) for a reference pinned by one
 */
record ImageReference(String repository, String tag) {
  /** Splits {@code reference}; a registry's port ({@code host:5000/repo}) is not a tag. */
  static ImageReference parse(String reference) {
    int at = reference.indexOf('@');
    if (at >= 0) {
      // The digest decides; a tag beside it is ignored, as docker pull does.
      return new ImageReference(
          withoutTag(reference.substring(0, at)), reference.substring(at + 1));
    }
    String repository = withoutTag(reference);
    return repository.length() == reference.length()
        ? new ImageReference(reference, "latest")
        : new ImageReference(repository, reference.substring(repository.length() + 1));
  }

  private static String withoutTag(String name) {
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }
}
