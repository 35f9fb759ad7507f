package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Fault;
import dev.faas.actors.outcome.Outcome.Failed;
import dev.faas.actors.outcome.Outcome.Rejected;
import dev.faas.actors.outcome.Outcome.Succeeded;
import dev.faas.actors.outcome.Outcome.TimedOut;
import dev.faas.actors.outcome.Outcome.Unavailable;
import dev.faas.actors.outcome.Outcome;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaRange;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Accept;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The one mapping from an activation's outcome to its HTTP answer (docs/api.md, "Invoking a function"): 200 with
 * stdout byte for byte (or the record with {@code Accept: application/json}); 502 when the function
 * failed, naming how; 504 past its timeout; 429 at the limit; 503 when no worker could run it.
 */
final class InvocationResponses {
  static final String ACTIVATION_ID = "X-Activation-Id";

  private InvocationResponses() {}

  /** True when the client asked for the record rather than the bare result. */
  static boolean wantsJson(HttpRequest request) {
    Optional<Accept> accept = request.getHeader(Accept.class);
    if (accept.isEmpty()) {
      return false;
    }
    for (MediaRange range : accept.get().getMediaRanges()) {
      if (!"*".equals(range.mainType()) && range.matches(MediaTypes.APPLICATION_JSON) && range.qValue() > 0) {
        return true;
      }
    }
    return false;
  }

  static HttpResponse of(Outcome outcome, boolean wantsRecord) {
    if (outcome instanceof Rejected rejected) {
      return failed(rejected); // nothing was started: no activation id to give
    }
    HttpResponse response =
        outcome instanceof Succeeded ok
            ? succeeded(ok.record(), wantsRecord)
            : failed((Outcome.Failure) outcome);
    return response.addHeader(RawHeader.create(ACTIVATION_ID, outcome.activationId()));
  }

  /**
   * A failure as its problem: the type (and with it the status) from {@link ProblemType#of}, a
   * {@code Retry-After} when the fault is the platform's, the activation id and exit code.
   */
  private static HttpResponse failed(Outcome.Failure failure) {
    ProblemType type = ProblemType.of(failure);
    Problem problem = type.problem(detail(failure));
    if (!(failure instanceof Rejected)) {
      problem = problem.with("activationId", failure.activationId());
    }
    if (failure instanceof Failed failed && failed.exitCode() != null) {
      problem = problem.with("exitCode", failed.exitCode());
    }
    if (failure.fault() == Fault.PLATFORM) {
      problem = problem.withHeader("Retry-After", "1");
    }
    return problem.toResponse();
  }

  private static String detail(Outcome.Failure failure) {
    if (failure instanceof Failed failed) {
      FailureKind kind = failed.kind();
      return kind == FailureKind.NON_ZERO_EXIT && failed.exitCode() != null
          ? kind.detail() + " (" + failed.exitCode() + ")"
          : kind.detail();
    }
    if (failure instanceof TimedOut timedOut) {
      return FailureKind.TIMEOUT.detail() + timeoutSuffix(timedOut.record());
    }
    if (failure instanceof Unavailable unavailable) {
      return unavailable.reason();
    }
    if (failure instanceof Rejected rejected) {
      return switch (rejected.limit()) {
        case USER -> "you have as many activations running as you may; nothing was run";
        case FUNCTION -> "the function has as many activations running as it may; nothing was run";
        case CLUSTER -> "the maximum of concurrent activations is reached; nothing was run";
      };
    }
    return "the maximum of concurrent activations is reached; nothing was run";
  }

  private static HttpResponse succeeded(ActivationRecord record, boolean wantsRecord) {
    if (wantsRecord) {
      return Json.response(StatusCodes.OK, ActivationView.of(record));
    }
    byte[] stdout = record.result() == null ? new byte[0] : record.result();
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, stdout));
  }

  private static String timeoutSuffix(ActivationRecord record) {
    return record == null ? "" : " after " + record.durationMs() + " ms";
  }
}
