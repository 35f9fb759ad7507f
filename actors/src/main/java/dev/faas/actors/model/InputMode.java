package dev.faas.actors.model;

/** How a function's container receives its one string parameter. */
public enum InputMode {
  /** On stdin, followed by end of input (the default). */
  STDIN,
  /** As the last argument of the image's command; such functions never use pre-started containers. */
  ARG
}
