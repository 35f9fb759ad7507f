package dev.faas.node;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Asynchronous activations' settings (docs/decisions/0020), the {@code async} part of the {@code
 * faas} section.
 *
 * @param backlog {@code FAAS_ASYNC_BACKLOG}: the most asynchronous activations waiting (or
 *     running) in the cluster
 * @param backlogPerUser {@code FAAS_ASYNC_BACKLOG_PER_USER}: the most of one user
 * @param retries {@code FAAS_ASYNC_RETRIES}: how many more attempts platform faults (worker lost,
 *     no worker, engine failure) may cost one activation
 * @param concurrency {@code FAAS_ASYNC_CONCURRENCY}: the most asynchronous activations running at
 *     once, so that a backlog never takes every place of {@code FAAS_MAX_CONCURRENT} from
 *     synchronous callers; 0: half of it (at least 1)
 * @param callback the completion callbacks' settings (docs/decisions/0026)
 */
public record AsyncConfig(
    int backlog, int backlogPerUser, int retries, int concurrency, Callback callback) {

  /**
   * @param allow {@code FAAS_CALLBACK_ALLOW}: CIDR ranges callbacks may reach although they are
   *     loopback, link-local or private; empty for none
   * @param retries {@code FAAS_CALLBACK_RETRIES}: attempts after the first failed one
   * @param backoff {@code FAAS_CALLBACK_BACKOFF}: the wait after the first failed attempt
   * @param timeout {@code FAAS_CALLBACK_TIMEOUT}: one attempt, connecting included
   * @param queue {@code FAAS_CALLBACK_QUEUE}: the most callbacks waiting in the cluster
   */
  public record Callback(String allow, int retries, Duration backoff, Duration timeout, long queue) {
    static Callback from(Config c) {
      Callback cb =
          new Callback(
              c.getString("allow").trim(),
              c.getInt("retries"),
              c.getDuration("backoff"),
              c.getDuration("timeout"),
              c.getLong("queue"));
      if (cb.retries < 0 || cb.retries > 20) {
        throw new IllegalArgumentException("FAAS_CALLBACK_RETRIES must be 0 to 20");
      }
      if (cb.backoff.isNegative() || cb.backoff.isZero() || cb.timeout.isNegative()
          || cb.timeout.isZero()) {
        throw new IllegalArgumentException(
            "FAAS_CALLBACK_BACKOFF and FAAS_CALLBACK_TIMEOUT must be positive");
      }
      if (cb.queue < 1) {
        throw new IllegalArgumentException("FAAS_CALLBACK_QUEUE must be at least 1");
      }
      return cb;
    }
  }

  static AsyncConfig from(Config faas, int maxConcurrent) {
    Config c = faas.getConfig("async");
    int concurrency = c.getInt("concurrency");
    AsyncConfig config =
        new AsyncConfig(
            c.getInt("backlog"),
            c.getInt("backlog-per-user"),
            c.getInt("retries"),
            concurrency == 0 ? Math.max(1, maxConcurrent / 2) : concurrency,
            Callback.from(c.getConfig("callback")));
    if (config.backlog < 1 || config.backlogPerUser < 1) {
      throw new IllegalArgumentException(
          "FAAS_ASYNC_BACKLOG and FAAS_ASYNC_BACKLOG_PER_USER must be at least 1");
    }
    if (config.retries < 0 || config.retries > 20) {
      throw new IllegalArgumentException("FAAS_ASYNC_RETRIES must be 0 to 20");
    }
    if (config.concurrency < 1) {
      throw new IllegalArgumentException("FAAS_ASYNC_CONCURRENCY must not be negative");
    }
    return config;
  }
}
