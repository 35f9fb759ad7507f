package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.FailureKind;
import dev.faas.actors.engine.ActivationActor;
import dev.faas.actors.engine.ActivationActor.Failed;
import dev.faas.actors.engine.ActivationActor.Rejected;
import dev.faas.actors.engine.ActivationActor.Succeeded;
import dev.faas.actors.engine.ActivationActor.TimedOut;
import dev.faas.actors.engine.ActivationActor.Unavailable;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaRange;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Accept;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The one mapping from an activation's outcome to its HTTP answer (API.md, "Invocation"): 200 with
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

  static HttpResponse of(ActivationActor.Outcome outcome, boolean wantsRecord) {
    HttpResponse response;
    if (outcome instanceof Succeeded ok) {
      response = succeeded(ok.record(), wantsRecord);
    } else if (outcome instanceof Failed failed) {
      response = failed(failed);
    } else if (outcome instanceof TimedOut timedOut) {
      response =
          Problem.of(
                  StatusCodes.GATEWAY_TIMEOUT,
                  FailureKind.TIMEOUT.detail() + timeoutSuffix(timedOut.record()))
              .with("activationId", timedOut.activationId())
              .toResponse();
    } else if (outcome instanceof Rejected) {
      return Problem.of(
              StatusCodes.TOO_MANY_REQUESTS,
              "the maximum of concurrent activations is reached; nothing was run")
          .withHeader("Retry-After", "1")
          .toResponse();
    } else if (outcome instanceof Unavailable unavailable) {
      response =
          Problem.of(StatusCodes.SERVICE_UNAVAILABLE, unavailable.reason())
              .with("activationId", unavailable.activationId())
              .withHeader("Retry-After", "1")
              .toResponse();
    } else {
      throw new IllegalStateException("unmapped outcome " + outcome.getClass().getSimpleName());
    }
    return response.addHeader(RawHeader.create(ACTIVATION_ID, outcome.activationId()));
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

  private static HttpResponse failed(Failed failed) {
    FailureKind kind = failed.failure() == null ? FailureKind.PLATFORM_ERROR : failed.failure();
    boolean platformFault = kind.platformsFault();
    String detail = kind.detail();
    if (kind == FailureKind.NON_ZERO_EXIT && failed.exitCode() != null) {
      detail = detail + " (" + failed.exitCode() + ")";
    }
    Problem problem =
        Problem.of(platformFault ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.BAD_GATEWAY, detail)
            .with("activationId", failed.activationId());
    if (failed.exitCode() != null) {
      problem = problem.with("exitCode", failed.exitCode());
    }
    if (platformFault) {
      problem = problem.withHeader("Retry-After", "1");
    }
    return problem.toResponse();
  }

  private static String timeoutSuffix(ActivationRecord record) {
    return record == null ? "" : " after " + record.durationMs() + " ms";
  }
}
