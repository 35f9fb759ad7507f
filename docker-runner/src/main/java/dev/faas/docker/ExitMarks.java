package dev.faas.docker;

import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.OutputFrame.Channel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Takes faas-init's marks out of one container's output (docs/decisions/0006) and tells when both
 * streams have reached the end its trailers mark.
 *
 * <p>faas-init writes {@code "\0faas-init:" TOKEN "\n"} on stdout before the function's process
 * exists, and {@code "\0faas-exit:" TOKEN ":" CODE "\n"} on stdout and on stderr once that process
 * has exited. The engine may cut and join these bytes with the function's own anywhere, so this
 * reads them as byte streams: a stream's bytes that could be the start of its trailer are held
 * back until the next read settles it (only a tail that matches a prefix of the trailer is held,
 * so ordinary output passes at once). Stderr is held whole until the token is known. Should the
 * header not be there (a container not under faas-init), every byte passes untouched.
 *
 * <p>Not thread-safe: one attach's reading thread calls it.
 */
final class ExitMarks {
  static final byte[] HEADER_PREFIX = "\0faas-init:".getBytes(StandardCharsets.US_ASCII);
  static final byte[] TRAILER_PREFIX = "\0faas-exit:".getBytes(StandardCharsets.US_ASCII);
  static final int TOKEN_LENGTH = 32;
  static final int HEADER_LENGTH = HEADER_PREFIX.length + TOKEN_LENGTH + 1;
  /** Prefix, token, ':', three digits, '\n'. */
  static final int TRAILER_LENGTH = TRAILER_PREFIX.length + TOKEN_LENGTH + 1 + 3 + 1;

  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerRead;
  private boolean passThrough;
  /** The trailer up to its code: prefix, token, ':'; null until the header has been read. */
  private byte[] trailerStart;
  private final Side stdout = new Side(Channel.STDOUT);
  private final Side stderr = new Side(Channel.STDERR);
  private int exitCode = -1;

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
    if (!passThrough && trailerStart == null) {
      offset = readHeader(bytes);
      if (passThrough) {
        // Not faas-init's header: what was taken for one is the function's output after all.
        stdout.take(Arrays.copyOf(header, headerRead), out);
        stderr.take(new byte[0], out);
      } else if (trailerStart != null) {
        stderr.take(new byte[0], out);
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
    if (!passThrough && trailerStart == null && headerRead > 0) {
      stdout.emit(Arrays.copyOf(header, headerRead), out);
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

  /** True once a valid header was read: the container runs under faas-init. */
  boolean marked() {
    return trailerStart != null;
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
      trailerStart = new byte[TRAILER_PREFIX.length + TOKEN_LENGTH + 1];
      System.arraycopy(TRAILER_PREFIX, 0, trailerStart, 0, TRAILER_PREFIX.length);
      System.arraycopy(header, HEADER_PREFIX.length, trailerStart, TRAILER_PREFIX.length, TOKEN_LENGTH);
      trailerStart[trailerStart.length - 1] = ':';
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

  /** One stream's held-back tail and whether its trailer has been seen. */
  private final class Side {
    private final Channel channel;
    private byte[] held = new byte[0];
    private boolean ended;

    Side(Channel channel) {
      this.channel = channel;
    }

    void take(byte[] bytes, List<OutputFrame> out) {
      if (ended) {
        return; // after the trailer: the function's process is gone, the rest is not its answer
      }
      byte[] all = concat(held, bytes);
      if (passThrough) {
        held = new byte[0];
        emit(all, out);
        return;
      }
      if (trailerStart == null) {
        held = all == bytes ? bytes.clone() : all; // the token is not known yet (stderr first)
        return;
      }
      int at = indexOf(all, trailerStart);
      if (at >= 0) {
        emit(Arrays.copyOf(all, at), out);
        if (all.length - at >= TRAILER_LENGTH) {
          int code = parseCode(all, at + trailerStart.length);
          if (code >= 0) {
            ended = true;
            held = new byte[0];
            if (channel == Channel.STDOUT) {
              exitCode = code;
            }
            return;
          }
          // Token right, form wrong: cannot come from faas-init; the bytes are output.
          emit(Arrays.copyOfRange(all, at, at + trailerStart.length), out);
          held = new byte[0];
          take(Arrays.copyOfRange(all, at + trailerStart.length, all.length), out);
          return;
        }
        held = Arrays.copyOfRange(all, at, all.length);
        return;
      }
      int keep = heldTail(all);
      emit(Arrays.copyOf(all, all.length - keep), out);
      held = Arrays.copyOfRange(all, all.length - keep, all.length);
    }

    void drain(List<OutputFrame> out) {
      if (!ended) {
        emit(held, out);
      }
      held = new byte[0];
    }

    void emit(byte[] bytes, List<OutputFrame> out) {
      if (bytes.length > 0) {
        out.add(new OutputFrame(channel, ByteString.fromArray(bytes)));
      }
    }

    /** The length of the longest tail of {@code all} that is a proper prefix of the trailer. */
    private int heldTail(byte[] all) {
      int max = Math.min(all.length, trailerStart.length - 1);
      for (int k = max; k > 0; k--) {
        if (regionMatches(all, all.length - k, trailerStart, k)) {
          return k;
        }
      }
      return 0;
    }
  }

  /** The three-digit code and the newline after it at {@code from}, or -1 if malformed. */
  private static int parseCode(byte[] bytes, int from) {
    int code = 0;
    for (int i = 0; i < 3; i++) {
      byte b = bytes[from + i];
      if (b < '0' || b > '9') {
        return -1;
      }
      code = code * 10 + (b - '0');
    }
    return bytes[from + 3] == '\n' && code <= 255 ? code : -1;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
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
}
