package dev.faas.actors.activation;

/** The status of a finished activation, as API.md names it. */
public enum ActivationStatus {
  SUCCESS,
  FAILED,
  TIMEOUT
}
