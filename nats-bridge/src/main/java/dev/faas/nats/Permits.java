package dev.faas.nats;

import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.outcome.LimitReached;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes and gives back the permits of the per-user and per-function limits in {@link
 * PermitStreams} (docs/decisions/0015). Blocking calls, each bounded by the request timeout: run
 * them on a blocking executor.
 *
 * <p>Taking is a publish per limit, the user's first, then a free slot of the function's; the
 * server refuses a publish past a subject's bound, so no limit is ever exceeded, even for a
 * moment. A refusal gives back what was taken before it. Giving back deletes by sequence and is
 * idempotent: sequences are never reused, and a permit already gone is success.
 */
final class Permits {
  static final String USER_HEADER = "Faas-Permit-User";
  static final String FUNCTION_HEADER = "Faas-Permit-Fn";
  private static final byte[] EMPTY = new byte[0];
  static final int SEQUENCE_NOT_FOUND = 10043;

  /**
   * The permits one activation holds, by stream sequence; 0 for none.
   *
   * @param user the sequence in {@code PERMITS_USER}
   * @param function the sequence in {@code PERMITS_FN}, 0 when the function has no limit of its own
   */
  record Held(long user, long function) {
    static final Held NONE = new Held(0, 0);

    /** Added to an activation's headers, so its worker gives them back when it settles it. */
    Headers addTo(Headers headers) {
      if (user > 0) {
        headers.put(USER_HEADER, Long.toString(user));
      }
      if (function > 0) {
        headers.put(FUNCTION_HEADER, Long.toString(function));
      }
      return headers;
    }

    /** What {@link #addTo} put in {@code headers}; {@link #NONE} when nothing (or garbage). */
    static Held from(Headers headers) {
      return headers == null
          ? NONE
          : new Held(number(headers.getFirst(USER_HEADER)), number(headers.getFirst(FUNCTION_HEADER)));
    }

    private static long number(String value) {
      try {
        return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }

  private Permits() {}

  /**
   * Takes the user's permit and, when {@code function} has a {@code maxConcurrency}, one of its
   * slots.
   *
   * @throws AdmissionRefused.Full with {@link LimitReached#USER} or {@link LimitReached#FUNCTION}
   *     when a limit is reached (nothing is then held)
   * @throws AdmissionRefused.Unavailable when the streams cannot be reached (whatever was taken
   *     is given back, or left to the streams' max age if that fails too)
   */
  static Held acquire(Connection conn, Duration timeout, FunctionSpec function) {
    JetStream js = jetStream(conn, timeout);
    long user = publish(js, PermitStreams.USER_STREAM, PermitStreams.userSubject(function.owner()));
    if (user == 0) {
      throw new AdmissionRefused.Full(LimitReached.USER);
    }
    if (function.maxConcurrency() <= 0) {
      return new Held(user, 0);
    }
    long slot;
    try {
      slot = takeSlot(conn, js, timeout, function);
    } catch (RuntimeException e) {
      releaseQuietly(conn, timeout, new Held(user, 0));
      throw e;
    }
    if (slot == 0) {
      releaseQuietly(conn, timeout, new Held(user, 0));
      throw new AdmissionRefused.Full(LimitReached.FUNCTION);
    }
    return new Held(user, slot);
  }

  /** Gives back {@code held}; a permit already gone counts as given back. */
  static void release(Connection conn, Duration timeout, Held held) {
    JetStreamManagement jsm = management(conn, timeout);
    delete(jsm, PermitStreams.USER_STREAM, held.user());
    delete(jsm, PermitStreams.FUNCTION_STREAM, held.function());
  }

  /** {@link #release}, a failure left to the streams' max age. */
  static void releaseQuietly(Connection conn, Duration timeout, Held held) {
    try {
      release(conn, timeout, held);
    } catch (RuntimeException e) {
      // The permit comes back at the stream's max age.
    }
  }

  /** How many permits {@code owner} holds now: their activations running or queued. */
  static int held(Connection conn, Duration timeout, String owner) {
    String subject = PermitStreams.userSubject(owner);
    try {
      var state =
          management(conn, timeout)
              .getStreamInfo(PermitStreams.USER_STREAM, StreamInfoOptions.filterSubjects(subject))
              .getStreamState();
      long count = 0;
      for (Subject s : state.getSubjects()) {
        if (s.getName().equals(subject)) {
          count += s.getCount();
        }
      }
      return (int) count;
    } catch (JetStreamApiException | java.io.IOException e) {
      throw new AdmissionRefused.Unavailable("the permit stream cannot be reached", e);
    }
  }

  // The free slots by the stream's own state, in a random order so that nodes rarely race for
  // the same one; a slot taken meanwhile refuses its publish and the next is tried.
  private static long takeSlot(
      Connection conn, JetStream js, Duration timeout, FunctionSpec function) {
    Set<String> taken = new HashSet<>();
    try {
      var state =
          management(conn, timeout)
              .getStreamInfo(
                  PermitStreams.FUNCTION_STREAM,
                  StreamInfoOptions.filterSubjects(
                      PermitStreams.slotFilter(function.owner(), function.name())))
              .getStreamState();
      for (Subject s : state.getSubjects()) {
        taken.add(s.getName());
      }
    } catch (JetStreamApiException | java.io.IOException e) {
      throw new AdmissionRefused.Unavailable("the permit stream cannot be reached", e);
    }
    List<String> free = new ArrayList<>();
    for (int k = 0; k < function.maxConcurrency(); k++) {
      String subject = PermitStreams.slotSubject(function.owner(), function.name(), k);
      if (!taken.contains(subject)) {
        free.add(subject);
      }
    }
    Collections.shuffle(free, ThreadLocalRandom.current());
    for (String subject : free) {
      long seq = publish(js, PermitStreams.FUNCTION_STREAM, subject);
      if (seq > 0) {
        return seq;
      }
    }
    return 0;
  }

  /** The permit's sequence, or 0 when the subject is at its bound. */
  private static long publish(JetStream js, String stream, String subject) {
    try {
      return js.publish(subject, EMPTY, PublishOptions.builder().expectedStream(stream).build())
          .getSeqno();
    } catch (JetStreamApiException e) {
      if (isSubjectFull(e)) {
        return 0;
      }
      throw new AdmissionRefused.Unavailable("the permit stream refused a permit", e);
    } catch (java.io.IOException e) {
      throw new AdmissionRefused.Unavailable("the permit stream cannot be reached", e);
    }
  }

  private static void delete(JetStreamManagement jsm, String stream, long sequence) {
    if (sequence <= 0) {
      return;
    }
    try {
      jsm.deleteMessage(stream, sequence, false);
    } catch (JetStreamApiException e) {
      // Gone already: "no message found", or "sequence not found" (10043) once it was the
      // stream's first or last message.
      if (!Withdrawals.isGone(e) && e.getApiErrorCode() != SEQUENCE_NOT_FOUND) {
        throw new AdmissionRefused.Unavailable("a permit could not be given back", e);
      }
    } catch (java.io.IOException e) {
      throw new AdmissionRefused.Unavailable("a permit could not be given back", e);
    }
  }

  /** JetStream's "store failed" with a discard-new-per-subject stream at a subject's bound. */
  static boolean isSubjectFull(JetStreamApiException e) {
    return e.getApiErrorCode() == Admission.STORE_FAILED
        && e.getErrorDescription() != null
        && e.getErrorDescription().contains("per subject");
  }

  private static JetStream jetStream(Connection conn, Duration timeout) {
    try {
      return conn.jetStream(JetStreamOptions.builder().requestTimeout(timeout).build());
    } catch (java.io.IOException e) {
      throw new AdmissionRefused.Unavailable("the permit stream cannot be reached", e);
    }
  }

  private static JetStreamManagement management(Connection conn, Duration timeout) {
    try {
      return conn.jetStreamManagement(JetStreamOptions.builder().requestTimeout(timeout).build());
    } catch (java.io.IOException e) {
      throw new AdmissionRefused.Unavailable("the permit stream cannot be reached", e);
    }
  }
}
