package dev.faas.docker;

import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.OutputFrame.Channel;
import dev.faas.actors.runtime.PreCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;

/**
 * Takes faas-init's marks out of one container's output (docs/decisions/0006, 0008), tells when
 * both streams have reached the end its trailers mark, and what the container did before its
 * call.
 *
 * <p>faas-init writes {@code "\0faas-init:" TOKEN "\n"} on stdout before the function's process
 * exists; when the call's input comes to a container watched before its call, {@code
 * "\0faas-call:" TOKEN ":" CPU_MS ":" F|R "\n"} on stderr (ten digits of CPU milliseconds, F if
 * it was frozen); and {@code "\0faas-exit:" TOKEN ":" CODE "\n"} on stdout and on stderr once that
 * process has exited. The engine may cut and join these bytes with the function's own anywhere,
 * so this reads them as byte streams: a stream's bytes that could be the start of a mark are held
 * back until the next read settles it (only a tail that matches a prefix of a mark is held, so
 * ordinary output passes at once). Stderr is held whole until the token is known. Should the
 * header not be there (a container not under faas-init), every byte passes untouched. A mark with
 * another token, or with the token but malformed, is the function's output.
 *
 * <p>Not thread-safe: one attach's reading thread calls it.
 */
final class ExitMarks {
  static final byte[] HEADER_PREFIX = ascii("\0faas-init:");
  static final byte[] TRAILER_PREFIX = ascii("\0faas-exit:");
  static final byte[] CALL_PREFIX = ascii("\0faas-call:");
  static final int TOKEN_LENGTH = 32;
  static final int HEADER_LENGTH = HEADER_PREFIX.length + TOKEN_LENGTH + 1;
  /** Prefix, token, ':', three digits, '\n'. */
  static final int TRAILER_LENGTH = TRAILER_PREFIX.length + TOKEN_LENGTH + 1 + 3 + 1;
  /** Prefix, token, ':', ten digits of CPU milliseconds, ':', F or R, '\n'. */
  static final int CALL_LENGTH = CALL_PREFIX.length + TOKEN_LENGTH + 1 + 10 + 1 + 1 + 1;

  private static final byte[] NONE = new byte[0];

  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerRead;
  private boolean passThrough;
  /** True once the header has been read: the marks below are known. */
  private boolean marked;
  private final Side stdout = new Side(Channel.STDOUT);
  private final Side stderr = new Side(Channel.STDERR);
  private final Consumer<PreCall> onCall;
  private int exitCode = -1;
  private PreCall preCall;

  /** Marks whose call mark nobody needs to hear of at once. */
  ExitMarks() {
    this(usage -> {});
  }

  /** @param onCall told, on the reading thread, what the call mark says when it is read */
  ExitMarks(Consumer<PreCall> onCall) {
    this.onCall = onCall;
  }

  /**
   * The function's own output among {@code bytes}, just read from {@code channel}: zero, one or
   * two frames (bytes of the other stream held until the header came may be let go now).
   */
  List<OutputFrame> accept(Channel channel, byte[] bytes) {
    List<OutputFrame> out = new ArrayList<>(2);
    if (channel == Channel.STDERR) {
      stderr.take(bytes, out);
      return out;
    }
    int offset = 0;
    if (!passThrough && !marked) {
      offset = readHeader(bytes);
      if (passThrough) {
        // Not faas-init's header: what was taken for one is the function's output after all.
        stdout.take(Arrays.copyOf(header, headerRead), out);
        stderr.take(NONE, out);
      } else if (marked) {
        stderr.take(NONE, out);
      }
    }
    if (offset < bytes.length) {
      stdout.take(Arrays.copyOfRange(bytes, offset, bytes.length), out);
    }
    return out;
  }

  /**
   * The bytes still held back, once the attach has ended without both trailers: they were the
   * function's output after all.
   */
  List<OutputFrame> drain() {
    List<OutputFrame> out = new ArrayList<>(2);
    if (!passThrough && !marked && headerRead > 0) {
      stdout.emit(Arrays.copyOf(header, headerRead), 0, headerRead, out);
    }
    stdout.drain(out);
    stderr.drain(out);
    return out;
  }

  /** True once both streams have shown their trailer: the function's output is complete. */
  boolean ended() {
    return stdout.ended && stderr.ended;
  }

  /** The function's exit status from the stdout trailer, or -1 before it. */
  int exitCode() {
    return exitCode;
  }

  /** What the call mark said; null before it (or when faas-init did not watch the container). */
  PreCall preCall() {
    return preCall;
  }

  /** True once a valid header was read: the container runs under faas-init. */
  boolean marked() {
    return marked;
  }

  /** Consumes header bytes from the front of {@code bytes}; returns how many it took. */
  private int readHeader(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && headerRead < HEADER_LENGTH) {
      byte b = bytes[i];
      if (!fitsHeader(headerRead, b)) {
        passThrough = true;
        return i;
      }
      header[headerRead++] = b;
      i++;
    }
    if (headerRead == HEADER_LENGTH) {
      byte[] token = Arrays.copyOfRange(header, HEADER_PREFIX.length, HEADER_PREFIX.length + TOKEN_LENGTH);
      Mark trailer = new Mark(start(TRAILER_PREFIX, token), TRAILER_LENGTH, true, this::readTrailer);
      Mark call = new Mark(start(CALL_PREFIX, token), CALL_LENGTH, false, this::readCall);
      stdout.marks = List.of(trailer);
      stderr.marks = List.of(call, trailer);
      marked = true;
    }
    return i;
  }

  private static boolean fitsHeader(int position, byte b) {
    if (position < HEADER_PREFIX.length) {
      return b == HEADER_PREFIX[position];
    }
    if (position < HEADER_PREFIX.length + TOKEN_LENGTH) {
      return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
    }
    return b == '\n';
  }

  /** A trailer's code and newline at {@code from}; false if malformed. */
  private boolean readTrailer(Channel channel, byte[] bytes, int from) {
    long code = digits(bytes, from, 3);
    if (code < 0 || code > 255 || bytes[from + 3] != '\n') {
      return false;
    }
    if (channel == Channel.STDOUT) {
      exitCode = (int) code;
    }
    return true;
  }

  /** A call mark's CPU, state and newline at {@code from}; false if malformed. */
  private boolean readCall(Channel channel, byte[] bytes, int from) {
    long cpuMs = digits(bytes, from, 10);
    byte state = bytes[from + 11];
    if (cpuMs < 0 || bytes[from + 10] != ':' || (state != 'F' && state != 'R')
        || bytes[from + 12] != '\n') {
      return false;
    }
    if (preCall == null) { // faas-init writes one; a second would be its own, and is dropped
      preCall = new PreCall(cpuMs, state == 'F');
      onCall.accept(preCall);
    }
    return true;
  }

  /** The mark's start: its prefix, the token, ':'. */
  private static byte[] start(byte[] prefix, byte[] token) {
    byte[] start = Arrays.copyOf(prefix, prefix.length + token.length + 1);
    System.arraycopy(token, 0, start, prefix.length, token.length);
    start[start.length - 1] = ':';
    return start;
  }

  /** The decimal number in {@code count} digits at {@code from}, or -1 if one is not a digit. */
  private static long digits(byte[] bytes, int from, int count) {
    long value = 0;
    for (int i = 0; i < count; i++) {
      byte b = bytes[from + i];
      if (b < '0' || b > '9') {
        return -1;
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }

  /** Reads the rest of a mark whose start was found; false when it is malformed. */
  @FunctionalInterface
  private interface BodyReader {
    boolean read(Channel channel, byte[] bytes, int from);
  }

  /**
   * One kind of mark a stream may carry.
   *
   * @param start its prefix, the token and ':'
   * @param length its whole length
   * @param ends true for the trailer: nothing after it on its stream is output
   */
  private record Mark(byte[] start, int length, boolean ends, BodyReader reader) {}

  /** One stream's held-back tail, the marks it may carry, and whether its trailer was seen. */
  private final class Side {
    private final Channel channel;
    private byte[] held = NONE;
    /** Empty until the header has been read. */
    private List<Mark> marks = List.of();
    private boolean ended;

    Side(Channel channel) {
      this.channel = channel;
    }

    void take(byte[] bytes, List<OutputFrame> out) {
      if (ended) {
        return; // after the trailer: the function's process is gone, the rest is not its answer
      }
      byte[] all = concat(held, bytes);
      held = NONE;
      if (passThrough) {
        emit(all, 0, all.length, out);
        return;
      }
      if (!marked) {
        held = all == bytes ? bytes.clone() : all; // the token is not known yet (stderr first)
        return;
      }
      int from = 0;
      while (true) {
        Mark mark = null;
        int at = all.length;
        for (Mark candidate : marks) {
          int found = indexOf(all, from, candidate.start());
          if (found >= 0 && found < at) {
            at = found;
            mark = candidate;
          }
        }
        if (mark == null) {
          int keep = heldTail(all, from);
          emit(all, from, all.length - keep, out);
          held = Arrays.copyOfRange(all, all.length - keep, all.length);
          return;
        }
        emit(all, from, at, out);
        if (all.length - at < mark.length()) {
          held = Arrays.copyOfRange(all, at, all.length);
          return;
        }
        if (mark.reader().read(channel, all, at + mark.start().length)) {
          if (mark.ends()) {
            ended = true;
            return;
          }
          from = at + mark.length();
        } else {
          // Token right, form wrong: cannot come from faas-init; the bytes are output.
          emit(all, at, at + mark.start().length, out);
          from = at + mark.start().length;
        }
      }
    }

    void drain(List<OutputFrame> out) {
      if (!ended) {
        emit(held, 0, held.length, out);
      }
      held = NONE;
    }

    /** Emits a copy of {@code bytes[from, to)}, if not empty. */
    void emit(byte[] bytes, int from, int to, List<OutputFrame> out) {
      if (to > from) {
        out.add(new OutputFrame(channel, ByteString.fromArray(bytes, from, to - from)));
      }
    }

    /**
     * The length of the longest tail of {@code all} after {@code from} that is a proper prefix of
     * one of the marks.
     */
    private int heldTail(byte[] all, int from) {
      int longest = 0;
      for (Mark mark : marks) {
        int max = Math.min(all.length - from, mark.start().length - 1);
        for (int k = max; k > longest; k--) {
          if (regionMatches(all, all.length - k, mark.start(), k)) {
            longest = k;
            break;
          }
        }
      }
      return longest;
    }
  }

  private static int indexOf(byte[] haystack, int from, byte[] needle) {
    for (int i = from; i + needle.length <= haystack.length; i++) {
      if (regionMatches(haystack, i, needle, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean regionMatches(byte[] a, int from, byte[] b, int length) {
    for (int j = 0; j < length; j++) {
      if (a[from + j] != b[j]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
