package dev.faas.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the buckets exist, creating the missing ones. Every node runs it on every
 * (re)connect: it is idempotent, and it also brings back buckets a server lost with its store.
 */
final class BucketSetup {
  private static final Logger log = LoggerFactory.getLogger(BucketSetup.class);
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;

  private BucketSetup() {}

  /**
   * Ensures the buckets and opens a handle on each.
   *
   * @return handles by bucket name
   */
  static Map<String, KeyValue> ensure(Connection conn, NatsSettings settings)
      throws IOException, JetStreamApiException {
    KeyValueOptions kvo =
        KeyValueOptions.builder().jsRequestTimeout(settings.requestTimeout()).build();
    KeyValueManagement kvm = conn.keyValueManagement(kvo);
    Map<String, KeyValue> handles = new LinkedHashMap<>();
    for (KeyValueConfiguration config : configurations(settings)) {
      ensure(kvm, config);
      handles.put(config.getBucketName(), conn.keyValue(config.getBucketName(), kvo));
    }
    return handles;
  }

  static List<KeyValueConfiguration> configurations(NatsSettings settings) {
    return List.of(
        bucket(Buckets.USERS, "registered users by username", settings, null),
        bucket(Buckets.FUNCTIONS, "functions by <owner user id>.<name>", settings, null),
        bucket(Buckets.ACTIVATIONS, "activation records", settings, settings.activationTtl()),
        bucket(Buckets.CONFIG, "cluster-wide settings", settings, null),
        bucket(
            Buckets.REGISTRIES,
            "users' sealed registry credentials by <owner>.<base64url host>",
            settings,
            null),
        bucket(Buckets.KEYS, "users' API keys (hashed) by <owner>.<key id>", settings, null),
        bucket(Buckets.IMAGES, "workers' image pull reports by <sha256 of image>.<worker>",
            settings, IMAGE_REPORT_TTL));
  }

  /** How long a worker's report about an image counts: a worker long gone says nothing. */
  static final Duration IMAGE_REPORT_TTL = Duration.ofDays(7);

  private static KeyValueConfiguration bucket(
      String name, String description, NatsSettings settings, Duration ttl) {
    KeyValueConfiguration.Builder b =
        KeyValueConfiguration.builder()
            .name(name)
            .description(description)
            .storageType(StorageType.File)
            .replicas(settings.kvReplicas())
            // Only the current value matters: every update is compare-and-set on it.
            .maxHistoryPerKey(1);
    return ttl == null ? b.build() : b.ttl(ttl).build();
  }

  private static void ensure(KeyValueManagement kvm, KeyValueConfiguration wanted)
      throws IOException, JetStreamApiException {
    String name = wanted.getBucketName();
    try {
      warnOnDrift(kvm.getStatus(name), wanted);
      return;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    try {
      kvm.create(wanted);
      log.info("Created bucket [{}]", name);
    } catch (JetStreamApiException e) {
      // Another node created it between our look and our create, with other settings (the
      // server accepts an identical create): theirs stands, as with any existing bucket.
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
      warnOnDrift(kvm.getStatus(name), wanted);
    }
  }

  // An existing bucket is never changed from here: changing replicas or a TTL is an operator's
  // decision, and nodes with different settings would otherwise keep undoing each other.
  private static void warnOnDrift(KeyValueStatus status, KeyValueConfiguration wanted) {
    if (status.getReplicas() != wanted.getReplicas()
        || !ttlOrZero(status.getTtl()).equals(ttlOrZero(wanted.getTtl()))) {
      log.warn(
          "Bucket [{}] has replicas [{}] and TTL [{}], settings ask for [{}] and [{}]; keeping it",
          status.getBucketName(),
          status.getReplicas(),
          status.getTtl(),
          wanted.getReplicas(),
          wanted.getTtl());
    }
  }

  private static Duration ttlOrZero(Duration ttl) {
    return ttl == null ? Duration.ZERO : ttl;
  }
}
