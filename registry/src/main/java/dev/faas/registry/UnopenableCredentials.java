package dev.faas.registry;

/**
 * Stored credentials that do not open under the platform's registry key: the key was replaced,
 * or the stored value was changed or moved under another owner or host. Not a reason to retry;
 * the user's next {@code PUT} of the credentials replaces them.
 */
public final class UnopenableCredentials extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  UnopenableCredentials(String host, String why) {
    super("stored credentials for [" + host + "] do not open: " + why);
  }
}
