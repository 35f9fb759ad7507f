package dev.faas.actors.outcome;

/**
 * Whose fault an activation's failure is: the one question every consumer of an outcome asks
 * (the HTTP status, whether a retry can help, which metric counts it). OpenWhisk draws the same
 * line between application and platform errors.
 */
public enum Fault {
  /** The function's own doing (non-zero exit, timeout, memory, output): a retry fails alike. */
  FUNCTION,
  /** The platform could not run it, or not now (no worker, worker lost, at capacity): retry. */
  PLATFORM
}
