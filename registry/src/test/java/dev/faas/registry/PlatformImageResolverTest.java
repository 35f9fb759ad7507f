package dev.faas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRegistryCredentials;
import dev.faas.actors.image.ImagePolicy;
import dev.faas.actors.image.ImageResolution;
import dev.faas.actors.image.ImageResolution.Local;
import dev.faas.actors.image.ImageResolution.Pinned;
import dev.faas.actors.image.ImageResolution.Reason;
import dev.faas.actors.image.ImageResolution.Refused;
import dev.faas.actors.image.LocalImages;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.image.RegistryEntry;
import dev.faas.actors.image.RegistryLogin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The resolver's order of decisions, without a registry that answers: a registry on a loopback
 * port nobody listens on stands for "asked the registry" (it answers unreachable at once).
 */
class PlatformImageResolverTest {
  private static final String DIGEST = "sha256:" + "c".repeat(64);
  private final int deadPort = deadPort();
  private final String remote = "127.0.0.1:" + deadPort + "/team/fn:1";
  private final RegistryClient registry =
      new RegistryClient(Path.of("/nonexistent"), Duration.ofSeconds(2),
          Executors.newCachedThreadPool());

  @Test
  void underRegistryPolicyTheEngineIsNeverAsked() throws Exception {
    LocalImages engine = reference -> {
      throw new AssertionError("asked the engine for " + reference);
    };
    ImageResolution r =
        resolver(ImagePolicy.REGISTRY, Set.of(), new FakeRegistryCredentials(Clock.systemUTC()), engine)
            .resolve("alice", remote).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(Reason.UNREACHABLE, assertInstanceOf(Refused.class, r).reason());
  }

  @Test
  void localFirstUsesTheEnginesImagePinnedToItsOwnDigestOfThatRepository() throws Exception {
    LocalImages engine =
        reference -> done(Optional.of(List.of("other/repo@sha256:" + "d".repeat(64),
            "127.0.0.1:" + deadPort + "/team/fn@" + DIGEST)));
    assertEquals(new Pinned(DIGEST), resolve(ImagePolicy.LOCAL_FIRST, Set.of(), engine, remote));
  }

  @Test
  void localFirstRunsALocallyBuiltImageAsItIsWhateverTheAllowList() throws Exception {
    LocalImages engine = reference -> done(Optional.of(List.of()));
    assertEquals(
        new Local(), resolve(ImagePolicy.LOCAL_FIRST, Set.of("registry.example"), engine,
            "my-fn:dev"));
  }

  @Test
  void docker_ioNamesAreComparedAsTheEnginePrintsThem() {
    assertEquals(
        new Pinned(DIGEST),
        PlatformImageResolver.localResolution(
            "docker.io/library/busybox:1.36", List.of("busybox@" + DIGEST)));
  }

  @Test
  void localFirstAsksTheRegistryWhenTheEngineLacksTheImageOrIsAway() throws Exception {
    LocalImages lacking = reference -> done(Optional.empty());
    LocalImages away = reference -> CompletableFuture.failedFuture(new IllegalStateException("x"));
    for (LocalImages engine : List.of(lacking, away)) {
      ImageResolution r = resolve(ImagePolicy.LOCAL_FIRST, Set.of(), engine, remote);
      assertEquals(Reason.UNREACHABLE, assertInstanceOf(Refused.class, r).reason());
    }
  }

  @Test
  void aRegistryOutsideTheAllowListIsRefusedBeforeAnythingIsAsked() throws Exception {
    ImageResolution r =
        resolve(ImagePolicy.REGISTRY, Set.of("registry.example:5000"), null, remote);
    Refused refused = assertInstanceOf(Refused.class, r);
    assertEquals(Reason.NOT_ALLOWED, refused.reason());
    assertTrue(refused.detail().contains("registry.example:5000"), refused.detail());
  }

  @Test
  void credentialsThatNoLongerOpenAreUnauthorizedAndSaySoToTheOwner() throws Exception {
    RegistryCredentials broken = new Unopenable();
    ImageResolution r =
        resolver(ImagePolicy.REGISTRY, Set.of(), broken, null)
            .resolve("alice", remote).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Refused refused = assertInstanceOf(Refused.class, r);
    assertEquals(Reason.UNAUTHORIZED, refused.reason());
    assertTrue(refused.detail().contains("PUT /v1/registries/127.0.0.1:" + deadPort),
        refused.detail());
  }

  private ImageResolution resolve(
      ImagePolicy policy, Set<String> allow, LocalImages engine, String reference)
      throws Exception {
    return resolver(policy, allow, new FakeRegistryCredentials(Clock.systemUTC()), engine)
        .resolve("alice", reference).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private PlatformImageResolver resolver(
      ImagePolicy policy, Set<String> allow, RegistryCredentials credentials, LocalImages engine) {
    return new PlatformImageResolver(
        policy, allow, credentials, registry, Optional.ofNullable(engine));
  }

  /** Credentials whose seal no longer opens (the platform key was replaced). */
  private static final class Unopenable implements RegistryCredentials {
    @Override
    public CompletionStage<Void> put(String owner, RegistryLogin login) {
      return done(null);
    }

    @Override
    public CompletionStage<List<RegistryEntry>> list(String owner) {
      return done(List.of());
    }

    @Override
    public CompletionStage<Boolean> delete(String owner, String host) {
      return done(false);
    }

    @Override
    public CompletionStage<Void> deleteAll(String owner) {
      return done(null);
    }

    @Override
    public CompletionStage<Optional<RegistryLogin>> login(String owner, String host) {
      return CompletableFuture.failedFuture(new UnopenableCredentials(host, "tag mismatch"));
    }
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private static int deadPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
