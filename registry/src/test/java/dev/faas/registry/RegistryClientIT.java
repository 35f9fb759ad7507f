package dev.faas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.image.ImageResolution;
import dev.faas.actors.image.ImageResolution.Pinned;
import dev.faas.actors.image.ImageResolution.Reason;
import dev.faas.actors.image.ImageResolution.Refused;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.registry.testing.LoopbackRegistry;
import dev.faas.registry.testing.TinyImages;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Resolving references against real registries (Debian's docker-registry on loopback ports): an
 * anonymous one over plain HTTP, and one with TLS from a CA of the test's and htpasswd users.
 * The digests are checked against the ones the engine itself reports after its push.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryClientIT {
  private static final String USER = "pusher";
  private static final String PASSWORD = "s3cret-" + UUID.randomUUID();

  private final String repo = "faas-it/resolve-" + UUID.randomUUID().toString().substring(0, 8);
  private LoopbackRegistry open;
  private LoopbackRegistry secure;
  private TinyImages images;
  private RegistryClient client;

  @BeforeAll
  void start() throws Exception {
    open = LoopbackRegistry.start();
    secure = LoopbackRegistry.startSecure(USER, PASSWORD);
    images = new TinyImages(open);
    client =
        new RegistryClient(
            LoopbackRegistry.DOCKER_CERTS, Duration.ofSeconds(5), Executors.newCachedThreadPool());
  }

  @AfterAll
  void stop() throws Exception {
    try {
      images.close();
    } finally {
      try {
        open.close();
      } finally {
        secure.close();
      }
    }
  }

  @Test
  void aTagResolvesToTheDigestTheEnginePushedAndMovesWhenPushedAgain() throws Exception {
    String ref = open.host() + "/" + repo + ":moving";
    String first = images.push(open, ref, "one");

    assertEquals(new Pinned(first), resolve(ref, null));

    String second = images.push(open, ref, "two");
    assertNotEquals(first, second);
    assertEquals(new Pinned(second), resolve(ref, null));
    assertEquals(
        new Pinned(first), resolve(open.host() + "/" + repo + "@" + first, null), "by digest");
  }

  @Test
  void aMissingTagOrRepositoryIsNotFound() throws Exception {
    images.push(open, open.host() + "/" + repo + ":here", "here");

    Refused tag = refused(resolve(open.host() + "/" + repo + ":absent", null));
    Refused repository = refused(resolve(open.host() + "/nobody/none:1", null));

    assertEquals(Reason.NOT_FOUND, tag.reason());
    assertTrue(tag.detail().contains(repo + ":absent"), tag.detail());
    assertEquals(Reason.NOT_FOUND, repository.reason());
  }

  @Test
  void aPrivateRegistryNeedsTheRightCredentials() throws Exception {
    String ref = secure.host() + "/" + repo + ":private";
    String digest = images.push(secure, ref, "private");

    assertEquals(
        new Pinned(digest), resolve(ref, new RegistryLogin(secure.host(), USER, PASSWORD)));
    Refused anonymous = refused(resolve(ref, null));
    Refused wrong = refused(resolve(ref, new RegistryLogin(secure.host(), USER, "wrong-pass")));

    assertEquals(Reason.UNAUTHORIZED, anonymous.reason());
    assertTrue(anonymous.detail().contains("PUT /v1/registries/" + secure.host()), anonymous.detail());
    assertEquals(Reason.UNAUTHORIZED, wrong.reason());
    assertTrue(wrong.detail().contains("refused the credentials"), wrong.detail());
  }

  @Test
  void aRegistryThatIsDownIsUnreachable() throws Exception {
    String ref = open.host() + "/" + repo + ":down";
    images.push(open, ref, "down");
    open.stop();
    try {
      Refused down = refused(resolve(ref, null));
      assertEquals(Reason.UNREACHABLE, down.reason());
      assertTrue(down.detail().contains(open.host()), down.detail());
    } finally {
      open.resume();
    }
  }

  private ImageResolution resolve(String reference, RegistryLogin login) throws Exception {
    return client.resolve(reference, Optional.ofNullable(login)).get(30, TimeUnit.SECONDS);
  }

  private static Refused refused(ImageResolution resolution) {
    return assertInstanceOf(Refused.class, resolution);
  }
}
