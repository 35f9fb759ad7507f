package dev.faas.registry;

import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.image.RegistryEntry;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.store.ConfigStore;
import dev.faas.actors.store.RegistryCredentialStore;
import dev.faas.actors.store.SealedLogin;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users' registry credentials on top of the {@link RegistryCredentialStore}: the username is kept
 * in clear (the API lists it), the password only sealed by the {@link CredentialSealer}, so the
 * store and anyone reading it never hold a password. Hosts are case-insensitive, as DNS names
 * are: they are stored and looked up in lower case.
 *
 * <p>{@link #login} fails with {@link UnopenableCredentials} when a stored seal does not open.
 */
public final class SealedRegistryCredentials implements RegistryCredentials {
  /** The config store key of the platform's registry key. */
  public static final String KEY_CONFIG = "registry-key";

  private final RegistryCredentialStore store;
  private final CredentialSealer sealer;
  private final Clock clock;

  /**
   * @param store where the sealed entries are kept
   * @param sealer seals and opens passwords under the platform key
   * @param clock the time of {@code updatedAt}
   */
  public SealedRegistryCredentials(
      RegistryCredentialStore store, CredentialSealer sealer, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.sealer = Objects.requireNonNull(sealer, "sealer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Credentials sealed with the cluster's registry key: read from {@code config} under {@value
   * #KEY_CONFIG}, or created there with create-if-absent from {@value CredentialSealer#KEY_BYTES}
   * fresh random bytes, so every node, even several starting at once, seals with the same key.
   *
   * @return the credentials, once the key has been read; failed while the config store is away
   */
  public static CompletionStage<SealedRegistryCredentials> fromConfig(
      ConfigStore config, RegistryCredentialStore store, Clock clock) {
    return config
        .getOrCreate(KEY_CONFIG, SealedRegistryCredentials::generateKey)
        .thenApply(key -> new SealedRegistryCredentials(store, new CredentialSealer(key), clock));
  }

  private static byte[] generateKey() {
    byte[] key = new byte[CredentialSealer.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @Override
  public CompletionStage<Void> put(String owner, RegistryLogin login) {
    String host = canonical(login.host());
    byte[] sealed = sealer.seal(owner, host, login.username(), login.password());
    return store.put(
        new SealedLogin(
            owner,
            host,
            login.username(),
            sealed,
            clock.instant().truncatedTo(ChronoUnit.MILLIS)));
  }

  @Override
  public CompletionStage<List<RegistryEntry>> list(String owner) {
    return store
        .list(owner)
        .thenApply(
            stored ->
                stored.stream()
                    .map(s -> new RegistryEntry(s.host(), s.username(), s.updatedAt()))
                    .sorted(Comparator.comparing(RegistryEntry::host))
                    .toList());
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String host) {
    return store.delete(owner, canonical(host));
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    return store.deleteAll(owner);
  }

  @Override
  public CompletionStage<Optional<RegistryLogin>> login(String owner, String host) {
    String h = canonical(host);
    return store
        .get(owner, h)
        .thenApply(
            found ->
                found.map(
                    s ->
                        new RegistryLogin(
                            s.host(),
                            s.username(),
                            sealer.open(owner, s.host(), s.username(), s.sealedPassword()))));
  }

  private static String canonical(String host) {
    return host.toLowerCase(Locale.ROOT);
  }
}
