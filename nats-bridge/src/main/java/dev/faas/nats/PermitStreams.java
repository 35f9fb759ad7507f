package dev.faas.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two permit streams of the per-user and per-function limits (docs/decisions/0015): one
 * message is one permit held, a subject is one limit, and the server's per-subject bound with
 * discard-new per subject refuses the permit past it, exactly, however many nodes publish.
 *
 * <ul>
 *   <li>{@code PERMITS_USER}: subjects {@code faas.permits.user.<owner>}, at most {@code
 *       maxConcurrentPerUser} messages per subject.
 *   <li>{@code PERMITS_FN}: subjects {@code faas.permits.fn.<owner>.<function>.<slot>}, at most one
 *       message per subject; a function with {@code maxConcurrency} m has the slots 0 to m-1.
 * </ul>
 *
 * Limits retention: a permit leaves when its holder deletes it by sequence, or at {@link #MAX_AGE}
 * (the backstop for a holder lost with no worker left to drop its activation). Every node runs
 * {@link #ensure} after every (re)connect, like the activation stream.
 */
final class PermitStreams {
  static final String USER_STREAM = "PERMITS_USER";
  static final String FUNCTION_STREAM = "PERMITS_FN";
  static final String USER_PREFIX = "faas.permits.user.";
  static final String FUNCTION_PREFIX = "faas.permits.fn.";
  /** Like {@link ActivationStream#MAX_AGE}: longer than any activation with its queueing. */
  static final Duration MAX_AGE = ActivationStream.MAX_AGE;

  private static final Logger log = LoggerFactory.getLogger(PermitStreams.class);
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;

  private PermitStreams() {}

  /** {@code faas.permits.user.<owner>}. @throws IllegalArgumentException for an invalid owner */
  static String userSubject(String owner) {
    return USER_PREFIX + Keys.owner(owner);
  }

  /** {@code faas.permits.fn.<owner>.<function>.<slot>}. */
  static String slotSubject(String owner, String function, int slot) {
    return FUNCTION_PREFIX + Keys.function(owner, function) + "." + slot;
  }

  /** Every slot subject of one function. */
  static String slotFilter(String owner, String function) {
    return FUNCTION_PREFIX + Keys.function(owner, function) + ".*";
  }

  static void ensure(Connection conn, NatsSettings settings)
      throws IOException, JetStreamApiException {
    JetStreamManagement jsm =
        conn.jetStreamManagement(
            JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build());
    ensure(jsm, userStream(settings));
    ensure(jsm, functionStream(settings));
  }

  static StreamConfiguration userStream(NatsSettings settings) {
    return stream(USER_STREAM, USER_PREFIX + "*", settings.maxConcurrentPerUser(), settings)
        .description("per-user permits; the per-subject bound is FAAS_MAX_CONCURRENT_PER_USER")
        .build();
  }

  static StreamConfiguration functionStream(NatsSettings settings) {
    return stream(FUNCTION_STREAM, FUNCTION_PREFIX + "*.*.*", 1, settings)
        .description("per-function slots of maxConcurrency, one permit per subject")
        .build();
  }

  private static StreamConfiguration.Builder stream(
      String name, String subject, int perSubject, NatsSettings settings) {
    return StreamConfiguration.builder()
        .name(name)
        .subjects(subject)
        .retentionPolicy(RetentionPolicy.Limits)
        .discardPolicy(DiscardPolicy.New)
        .discardNewPerSubject(true)
        .maxMessagesPerSubject(perSubject)
        .storageType(StorageType.File)
        .replicas(settings.kvReplicas())
        .maximumMessageSize(64)
        .maxAge(MAX_AGE);
  }

  private static void ensure(JetStreamManagement jsm, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    String name = wanted.getName();
    try {
      StreamConfiguration current = jsm.getStreamInfo(name).getConfiguration();
      if (current.getMaxMsgsPerSubject() != wanted.getMaxMsgsPerSubject()
          || !current.getSubjects().equals(wanted.getSubjects())
          || !current.getMaxAge().equals(wanted.getMaxAge())
          || !current.isDiscardNewPerSubject()) {
        // Like the activation stream's bound: the last node to connect wins, so every node
        // must be configured alike. Lowering the bound drops the oldest permits over it.
        jsm.updateStream(
            StreamConfiguration.builder(wanted).replicas(current.getReplicas()).build());
        log.warn("Stream [{}] limits changed to this node's settings (per subject [{}])", name,
            wanted.getMaxMsgsPerSubject());
      }
      return;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    try {
      jsm.addStream(wanted);
      log.info("Created stream [{}] with [{}] permits per subject", name,
          wanted.getMaxMsgsPerSubject());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
    }
  }
}
