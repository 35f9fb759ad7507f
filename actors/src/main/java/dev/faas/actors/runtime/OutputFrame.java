package dev.faas.actors.runtime;

import org.apache.pekko.util.ByteString;

/** A chunk of a container's output, from stdout or stderr, as it arrived. */
public record OutputFrame(Channel channel, ByteString bytes) {
  public enum Channel {
    STDOUT,
    STDERR
  }
}
