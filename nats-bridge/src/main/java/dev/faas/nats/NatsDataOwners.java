package dev.faas.nats;

import dev.faas.actors.model.Names;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.tenancy.DataOwners;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * The owners of registry credentials and of activation records, for the orphan janitor
 * (docs/decisions/0019).
 *
 * <ul>
 *   <li>Activation records: one {@code STREAM.INFO} of {@code ACTIVATION_INDEX} listing the
 *       subjects {@code faas.actidx.<owner>}, one per owner with records (each record has a
 *       summary there), never the records themselves. A sweep purges those subjects outright, so
 *       a swept owner is not found again.
 *   <li>Registry credentials: the keys of the {@code registries} bucket, values left on the
 *       server, deleted keys left out (a few per user).
 * </ul>
 *
 * Both run on the blocking executor, each within the request timeout.
 */
final class NatsDataOwners implements DataOwners {
  static final String RECORDS = "activation records";
  static final String CREDENTIALS = "registry credentials";

  private final Buckets buckets;
  private final KvCalls registries;
  private final Duration timeout;

  NatsDataOwners(Buckets buckets, KvCalls registries, Duration timeout) {
    this.buckets = buckets;
    this.registries = registries;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Map<String, Set<String>>> owners() {
    return registries.run(
        "owners",
        kv -> {
          Map<String, Set<String>> owners = new HashMap<>();
          for (String key : KvScan.keys(kv, ">", timeout)) {
            add(owners, key.substring(0, Math.max(0, key.indexOf('.'))), CREDENTIALS);
          }
          for (String owner : indexOwners()) {
            add(owners, owner, RECORDS);
          }
          return owners;
        });
  }

  private List<String> indexOwners() throws Exception {
    Connection conn = buckets.connection();
    if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
      throw new StoreException.Unavailable("not connected to NATS", null);
    }
    JetStreamManagement jsm =
        conn.jetStreamManagement(JetStreamOptions.builder().requestTimeout(timeout).build());
    List<Subject> subjects =
        jsm.getStreamInfo(
                ActivationIndex.STREAM,
                StreamInfoOptions.filterSubjects(ActivationIndex.PREFIX + "*"))
            .getStreamState()
            .getSubjects();
    return subjects == null
        ? List.of()
        : subjects.stream()
            .map(s -> s.getName().substring(ActivationIndex.PREFIX.length()))
            .toList();
  }

  private static void add(Map<String, Set<String>> owners, String owner, String kind) {
    if (Names.isUserId(owner)) {
      owners.computeIfAbsent(owner, o -> new TreeSet<>()).add(kind);
    }
  }
}
