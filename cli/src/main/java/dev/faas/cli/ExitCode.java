package dev.faas.cli;

/**
 * The exit codes scripts branch on (docs/cli.md has the table). Distinct per cause a script acts
 * on differently; the problem's own {@code type} is on stderr for anything finer.
 */
public final class ExitCode {
  /** Done. */
  public static final int OK = 0;
  /** The function ran and failed: non-zero exit, out of memory, output too large, timed out, image unavailable. */
  public static final int FUNCTION_FAILED = 1;
  /** The command line or a file it named is wrong: nothing was sent (picocli's own usage code). */
  public static final int USAGE = 2;
  /** Not logged in, token expired or refused (401), or a key's scope does not allow it (403). */
  public static final int AUTH = 3;
  /** No such function, activation, key or registry entry (404). */
  public static final int NOT_FOUND = 4;
  /** A limit was reached (429 concurrency or backlog; 409 limit-functions): retry later or ask for more. */
  public static final int LIMIT = 5;
  /** The platform could not be reached or could not serve the call (503, connection failed): retry. */
  public static final int UNAVAILABLE = 6;
  /** The request conflicts with the current state: a name taken (409), a changed revision (412). */
  public static final int CONFLICT = 7;
  /** The platform refused the request as invalid (400, 413): the message names the field. */
  public static final int INVALID = 8;
  /** Anything else: an unexpected answer (500) or a failure of the client itself. */
  public static final int ERROR = 10;

  private ExitCode() {}

  /** The exit code for an error answer of this status and problem type slug (may be null). */
  public static int ofProblem(int status, String slug) {
    if (slug != null) {
      switch (slug) {
        case "function-exit", "function-oom", "function-output-too-large", "function-timeout":
          return FUNCTION_FAILED;
        case "image-unavailable":
          return status == 400 ? INVALID : FUNCTION_FAILED;
        case "limit-cluster", "limit-user", "limit-function", "limit-functions":
          return LIMIT;
        case "insufficient-scope":
          return AUTH;
        case "precondition-failed":
          return CONFLICT;
        default:
          break;
      }
    }
    return switch (status) {
      case 400, 413 -> INVALID;
      case 401, 403 -> AUTH;
      case 404 -> NOT_FOUND;
      case 409, 412 -> CONFLICT;
      case 429 -> LIMIT;
      case 502, 504 -> FUNCTION_FAILED;
      case 503 -> UNAVAILABLE;
      default -> ERROR;
    };
  }
}
