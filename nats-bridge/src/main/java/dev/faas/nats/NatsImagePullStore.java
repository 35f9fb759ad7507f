package dev.faas.nats;

import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.ImagePullStore;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Workers' image pull reports in the {@code images} bucket, keyed by {@link ImagePullReport#key()}
 * ({@code <sha256 of the image>.<worker>}), as JSON; each put replaces the worker's last report.
 * Entries age out with the bucket's TTL: a worker long gone says nothing any more.
 */
public final class NatsImagePullStore implements ImagePullStore {
  private static final JsonCodec<ImagePullReport> CODEC = JsonCodec.of(ImagePullReport.class);

  private final KvCalls calls;
  private final Buckets buckets;
  private final ScheduledExecutorService control;

  NatsImagePullStore(KvCalls calls, Buckets buckets, ScheduledExecutorService control) {
    this.calls = calls;
    this.buckets = buckets;
    this.control = control;
  }

  @Override
  public CompletionStage<Void> put(ImagePullReport report) {
    String key = report.key();
    byte[] json = CODEC.encode(report);
    return calls.run(
        key,
        kv -> {
          kv.put(key, json);
          return null;
        });
  }

  @Override
  public AutoCloseable watch(ChangeListener<ImagePullReport> listener) {
    return KvWatch.start(buckets, Buckets.IMAGES, CODEC, listener, control);
  }
}
