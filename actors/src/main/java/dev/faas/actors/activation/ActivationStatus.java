package dev.faas.actors.activation;

/**
 * The status of an activation, as API.md names it: {@code queued} and {@code running} only for an
 * asynchronous one on its way (its record exists from its {@code 202} on), then one of the three
 * final ones.
 */
public enum ActivationStatus {
  SUCCESS,
  FAILED,
  TIMEOUT,
  QUEUED,
  RUNNING;

  /** True for success, failed and timeout: the record will not change any more. */
  public boolean isFinal() {
    return this == SUCCESS || this == FAILED || this == TIMEOUT;
  }
}
