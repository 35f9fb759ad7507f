package dev.faas.actors.store;

/**
 * A store operation that did not happen. The subclasses are the outcomes a caller can act on;
 * anything else from the store surfaces as {@link Unavailable}.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A create found the key already present. */
  public static final class AlreadyExists extends StoreException {
    private static final long serialVersionUID = 1L;

    public AlreadyExists(String key) {
      super("key already exists: " + key, null);
    }
  }

  /** A compare-and-set found a newer revision than the one it was given, or no entry at all. */
  public static final class RevisionConflict extends StoreException {
    private static final long serialVersionUID = 1L;

    public RevisionConflict(String key, long expected) {
      super("revision " + expected + " is not current for " + key, null);
    }
  }

  /** The store could not be reached or answered with an error. */
  public static final class Unavailable extends StoreException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
