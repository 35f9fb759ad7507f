package dev.faas.http;

/**
 * Where one follower of a live log stands (docs/decisions/0023), decided alone so it can be
 * tested alone: the next byte it expects, and the bytes it lost and was not told of yet.
 *
 * <p>Every message from the worker names its offset in the activation's stored logs. A message
 * past the expected byte means bytes were lost on the way (the worker's queue was full, or the
 * follower came after they were sent); one before it repeats what was already passed on and is
 * cut. Bytes the follower's own buffer had no room for are lost too ({@link #lost}). Lost bytes
 * are reported once, in the next event that gets through ({@link #reported}).
 *
 * @param expected the offset of the next byte this follower should see
 * @param unreported bytes lost and not yet told to the follower
 */
record FollowCursor(long expected, long unreported) {

  /** A follower that has seen nothing yet. */
  static final FollowCursor START = new FollowCursor(0, 0);

  /**
   * What to do with a message covering {@code [offset, offset + length)}.
   *
   * @param next the cursor after it
   * @param skip how many of its first bytes were already passed on: send the rest
   * @param fresh how many bytes of it to send (0: nothing new)
   */
  record Step(FollowCursor next, int skip, int fresh) {}

  /** The step for a message at {@code offset} of {@code length} bytes (0 for alive and end). */
  Step onMessage(long offset, int length) {
    long end = offset + length;
    if (end <= expected) {
      return new Step(this, length, 0);
    }
    long gap = Math.max(0, offset - expected);
    int skip = (int) Math.max(0, expected - offset);
    return new Step(new FollowCursor(end, unreported + gap), skip, length - skip);
  }

  /** {@code bytes} passed on found no room in the follower's buffer: they are lost. */
  FollowCursor lost(long bytes) {
    return new FollowCursor(expected, unreported + bytes);
  }

  /** The follower was told of every lost byte. */
  FollowCursor reported() {
    return new FollowCursor(expected, 0);
  }
}
