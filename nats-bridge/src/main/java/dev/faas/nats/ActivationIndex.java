package dev.faas.nats;

import dev.faas.actors.model.Names;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ACTIVATION_INDEX} stream: a small summary of every stored activation record (the
 * record without {@code result} and {@code logs}), so that a listing reads {@code limit} small
 * messages instead of every record of the owner (docs/decisions/0014).
 *
 * <p>Each record has two summaries, one on {@code faas.actidx.<owner>} and one on {@code
 * faas.actidx.<owner>.fn.<function>}, and two more when an API key started it ({@code
 * .key.<keyId>} and {@code .key.<keyId>.fn.<function>} after the owner's subject); each summary names the stream sequence of the one before
 * it on its subject, so each subject is a chain, newest to oldest, that a reader follows with
 * direct gets. It keeps messages as long as the {@code activations} bucket keeps records, with
 * the buckets' replicas. Every node runs {@link #ensure} after every (re)connect.
 */
final class ActivationIndex {
  static final String STREAM = "ACTIVATION_INDEX";
  static final String PREFIX = "faas.actidx.";
  /** A summary is a few hundred bytes; this only keeps a broken writer from storing more. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(ActivationIndex.class);

  private ActivationIndex() {}

  /**
   * {@code faas.actidx.<owner>}: every summary of the owner.
   *
   * @throws IllegalArgumentException when the owner is not a user id
   */
  static String ownerSubject(String owner) {
    return PREFIX + Keys.owner(owner);
  }

  /**
   * {@code faas.actidx.<owner>.fn.<function>}: the summaries of one function of the owner.
   *
   * @throws IllegalArgumentException when a name is invalid
   */
  static String functionSubject(String owner, String function) {
    if (!Names.isFunctionName(function)) {
      throw new IllegalArgumentException("invalid function name: " + function);
    }
    return ownerSubject(owner) + ".fn." + function;
  }

  /**
   * {@code faas.actidx.<owner>.key.<keyId>}: the summaries of what one API key started, which is
   * all an {@code invoke} key may list.
   *
   * @throws IllegalArgumentException when the owner or the key id is invalid
   */
  static String keySubject(String owner, String keyId) {
    return ownerSubject(owner) + ".key." + Keys.apiKeyId(keyId);
  }

  /**
   * {@code faas.actidx.<owner>.key.<keyId>.fn.<function>}: what one API key started of one
   * function.
   *
   * @throws IllegalArgumentException when a name is invalid
   */
  static String keyFunctionSubject(String owner, String keyId, String function) {
    if (!Names.isFunctionName(function)) {
      throw new IllegalArgumentException("invalid function name: " + function);
    }
    return keySubject(owner, keyId) + ".fn." + function;
  }

  /** The chain a listing follows: the owner's, narrowed to a key and a function when given. */
  static String listing(String owner, String startedBy, String function) {
    if (startedBy == null) {
      return function == null ? ownerSubject(owner) : functionSubject(owner, function);
    }
    return function == null
        ? keySubject(owner, startedBy)
        : keyFunctionSubject(owner, startedBy, function);
  }

  static StreamConfiguration stream(NatsSettings settings) {
    return StreamConfiguration.builder()
        .name(STREAM)
        .description("summaries of activation records, chained per owner and per function")
        .subjects(PREFIX + ">")
        .storageType(StorageType.File)
        .replicas(settings.kvReplicas())
        .maxAge(settings.activationTtl())
        .discardPolicy(DiscardPolicy.Old)
        .maximumMessageSize(MAX_MESSAGE_BYTES)
        .duplicateWindow(DUPLICATE_WINDOW)
        // Reads by sequence and last-by-subject from any replica, without a consumer.
        .allowDirect(true)
        .build();
  }

  /** Creates the stream when it is missing; an existing one is kept, as the buckets are. */
  static void ensure(Connection conn, NatsSettings settings)
      throws IOException, JetStreamApiException {
    JetStreamManagement jsm =
        conn.jetStreamManagement(
            JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build());
    StreamConfiguration wanted = stream(settings);
    Streams.existingOrCreate(jsm, wanted).ifPresent(current -> warnOnDrift(current, wanted));
  }

  // Like the activations bucket's TTL and replicas, an operator's decision once it exists.
  private static void warnOnDrift(StreamConfiguration current, StreamConfiguration wanted) {
    if (current.getReplicas() != wanted.getReplicas()
        || !Objects.equals(current.getMaxAge(), wanted.getMaxAge())
        || !current.getAllowDirect()) {
      log.warn(
          "Stream [{}] has replicas [{}], max age [{}] and allow-direct [{}], settings ask for"
              + " [{}], [{}] and true; keeping it",
          STREAM,
          current.getReplicas(),
          current.getMaxAge(),
          current.getAllowDirect(),
          wanted.getReplicas(),
          wanted.getMaxAge());
    }
  }
}
