package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.AsyncAttempt;
import dev.faas.actors.activation.AsyncInfo;
import dev.faas.actors.activation.CallbackStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * An activation record as API.md shows it: {@code result} is stdout decoded as UTF-8 (the bare
 * invoke response is the byte-exact form), {@code status} lower case, and where the time went.
 */
record ActivationView(
    String activationId,
    String function,
    String status,
    String error,
    Integer exitCode,
    String result,
    String logs,
    boolean logsTruncated,
    Instant startedAt,
    long durationMs,
    boolean warm,
    Timings timings,
    PreCall preCall,
    String requestId,
    Async async) {

  /** Where an activation's time went, in milliseconds. */
  record Timings(long queuedMs, long acquireMs, long runMs) {}

  /**
   * What its container did in the warm pool before the call (docs/decisions/0008): the CPU it
   * used, null when not measured, and whether it was frozen for having spent its budget.
   */
  record PreCall(Long cpuMs, boolean frozen) {}

  /**
   * An asynchronous activation's steps (docs/decisions/0020): when it was queued, when its latest
   * attempt was dispatched, when it became final, and every attempt (each an activation of its
   * own, with its own record), and its completion callback (docs/decisions/0026) when it asked
   * for one.
   */
  record Async(
      Instant queuedAt,
      Instant runningAt,
      Instant finishedAt,
      List<AsyncAttempt> attempts,
      @JsonInclude(JsonInclude.Include.NON_NULL) CallbackStatus callback) {
    static Async of(AsyncInfo info) {
      return info == null
          ? null
          : new Async(ms(info.queuedAt()), ms(info.runningAt()), ms(info.finishedAt()),
              info.attempts(), info.callback());
    }
  }

  private static Instant ms(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
  }

  static ActivationView of(ActivationRecord r) {
    return new ActivationView(
        r.activationId(),
        r.function(),
        r.status().name().toLowerCase(Locale.ROOT),
        r.failure() == null ? null : r.failure().detail(),
        r.exitCode(),
        r.result() == null ? "" : new String(r.result(), StandardCharsets.UTF_8),
        r.logs() == null ? "" : r.logs(),
        r.logsTruncated(),
        r.startedAt() == null ? null : r.startedAt().truncatedTo(ChronoUnit.MILLIS),
        r.durationMs(),
        r.warm(),
        new Timings(r.queuedMs(), r.acquireMs(), r.runMs()),
        r.preCallFrozen() == null ? null : new PreCall(r.preCallCpuMs(), r.preCallFrozen()),
        r.requestId(),
        Async.of(r.async()));
  }
}
