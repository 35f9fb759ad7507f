package dev.faas.actors.fakes;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.outcome.FailureKind;
import java.time.Instant;

/** Records as a worker would write them. */
public final class Records {
  private Records() {}

  public static ActivationRecord success(String id, byte[] result) {
    return record(id, ActivationStatus.SUCCESS, null, 0, result);
  }

  public static ActivationRecord failed(String id, FailureKind failure, Integer exitCode) {
    return record(id, ActivationStatus.FAILED, failure, exitCode, new byte[0]);
  }

  public static ActivationRecord timeout(String id) {
    return record(id, ActivationStatus.TIMEOUT, FailureKind.TIMEOUT, null, new byte[0]);
  }

  public static ActivationRecord record(
      String id, ActivationStatus status, FailureKind failure, Integer exitCode, byte[] result) {
    return new ActivationRecord(
        id, Fns.OWNER, "fn", status, failure, exitCode, result, "", false, Instant.now(), 5, "w1",
        false, 1, 1, 1);
  }
}
