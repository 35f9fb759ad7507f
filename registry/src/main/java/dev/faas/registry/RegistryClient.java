package dev.faas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.actors.image.ImageResolution;
import dev.faas.actors.image.ImageResolution.Pinned;
import dev.faas.actors.image.ImageResolution.Reason;
import dev.faas.actors.image.ImageResolution.Refused;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.model.ImageNames;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Asks an image's registry what content a reference names, the way the Docker engine would before
 * a pull: the registry HTTP API's manifest endpoint ({@code HEAD /v2/<path>/manifests/<tag or
 * digest>}), answering with the manifest's content digest. Authentication as registries ask for
 * it: HTTP Basic with the user's credentials, or a bearer token from the registry's token server
 * (fetched with them, or anonymously). TLS trusts what the engine trusts ({@link RegistryTrust});
 * a registry on a loopback address may answer plain HTTP, as the engine allows there.
 *
 * <p>Every request has the deadline given at construction; nothing blocks a caller's thread.
 */
public final class RegistryClient {
  /** Manifest kinds accepted, multi-platform indexes first: the digest users see in their tools. */
  static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private static final Pattern DIGEST = Pattern.compile("^sha256:[0-9a-f]{64}$");
  private static final String DOCKER_HUB_API = "registry-1.docker.io";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path certsDir;
  private final Duration timeout;
  private final Executor executor;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  /**
   * @param certsDir where registries' CAs are ({@code /etc/docker/certs.d} as for the engine)
   * @param timeout the deadline of each request to a registry or its token server
   * @param executor where the HTTP client runs its work
   */
  public RegistryClient(Path certsDir, Duration timeout, Executor executor) {
    this.certsDir = certsDir;
    this.timeout = timeout;
    this.executor = executor;
  }

  /**
   * What {@code reference} names on its registry, read with {@code login} when given. Never fails:
   * every way a registry can fail to answer becomes a {@link Refused} that says which.
   */
  public CompletableFuture<ImageResolution> resolve(
      String reference, Optional<RegistryLogin> login) {
    String host = ImageNames.host(reference);
    String digest = ImageNames.digest(reference);
    Target target =
        new Target(
            host,
            host.equals(ImageNames.DEFAULT_HOST) ? DOCKER_HUB_API : host,
            ImageNames.path(reference),
            digest != null ? digest : ImageNames.tag(reference),
            login);
    return attempt(target, "https")
        .exceptionallyCompose(
            e ->
                isLoopback(host) && cause(e) instanceof SSLException
                    ? attempt(target, "http")
                        .exceptionallyCompose(plain -> CompletableFuture.failedFuture(e))
                    : CompletableFuture.failedFuture(e))
        .exceptionally(e -> unreachable(target, cause(e)));
  }

  private CompletableFuture<ImageResolution> attempt(Target t, String scheme) {
    URI manifest =
        URI.create(scheme + "://" + t.apiHost() + "/v2/" + t.path() + "/manifests/" + t.ref());
    return send(head(manifest, null), t)
        .thenCompose(
            first -> {
              if (first.statusCode() != 401) {
                return classify(first, t, manifest, null);
              }
              Optional<Challenge> challenge =
                  Challenge.parse(first.headers().firstValue("WWW-Authenticate").orElse(null));
              if (challenge.isEmpty()) {
                return done(unauthorized(t));
              }
              if (challenge.get().isBearer()) {
                return token(challenge.get(), t)
                    .thenCompose(
                        token ->
                            token.isEmpty()
                                ? done(unauthorized(t))
                                : retry(manifest, "Bearer " + token.get(), t));
              }
              return t.login().isEmpty()
                  ? done(unauthorized(t))
                  : retry(manifest, basic(t.login().get()), t);
            });
  }

  private CompletableFuture<ImageResolution> retry(URI manifest, String authorization, Target t) {
    return send(head(manifest, authorization), t)
        .thenCompose(r -> classify(r, t, manifest, authorization));
  }

  private CompletableFuture<ImageResolution> classify(
      HttpResponse<?> response, Target t, URI manifest, String authorization) {
    int status = response.statusCode();
    if (status == 200) {
      Optional<String> digest =
          response.headers().firstValue("Docker-Content-Digest").filter(d -> DIGEST.matcher(d).matches());
      return digest.isPresent()
          ? done(new Pinned(digest.get()))
          : digestOfBody(manifest, authorization, t);
    }
    if (status == 404) {
      return done(
          new Refused(
              Reason.NOT_FOUND,
              "registry " + t.host() + " has no image " + t.path() + ":" + t.ref()));
    }
    if (status == 401 || status == 403) {
      return done(unauthorized(t));
    }
    return done(
        new Refused(
            Reason.UNREACHABLE,
            "registry " + t.host() + " answered HTTP " + status + " for " + t.path()));
  }

  /** A registry that does not send the digest header: the digest of the manifest's bytes. */
  private CompletableFuture<ImageResolution> digestOfBody(
      URI manifest, String authorization, Target t) {
    HttpRequest.Builder get =
        HttpRequest.newBuilder(manifest).timeout(timeout).header("Accept", ACCEPT).GET();
    if (authorization != null) {
      get.header("Authorization", authorization);
    }
    return client(t)
        .sendAsync(get.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r ->
                r.statusCode() == 200
                    ? new Pinned("sha256:" + HexFormat.of().formatHex(sha256(r.body())))
                    : new Refused(
                        Reason.UNREACHABLE,
                        "registry " + t.host() + " answered HTTP " + r.statusCode()));
  }

  /** A bearer token for pulling {@code t.path()}; empty when the token server refuses. */
  private CompletableFuture<Optional<String>> token(Challenge challenge, Target t) {
    String realm = challenge.param("realm");
    if (realm.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String query =
        "service=" + encode(challenge.param("service"))
            + "&scope=" + encode("repository:" + t.path() + ":pull");
    HttpRequest.Builder get =
        HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? "&" : "?") + query))
            .timeout(timeout)
            .GET();
    t.login().ifPresent(login -> get.header("Authorization", basic(login)));
    return client(t)
        .sendAsync(get.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r -> {
              if (r.statusCode() != 200) {
                return Optional.empty();
              }
              try {
                JsonNode body = JSON.readTree(r.body());
                String token = body.path("token").asText(body.path("access_token").asText(""));
                return token.isEmpty() ? Optional.<String>empty() : Optional.of(token);
              } catch (java.io.IOException e) {
                return Optional.<String>empty();
              }
            });
  }

  private CompletableFuture<HttpResponse<Void>> send(HttpRequest request, Target t) {
    return client(t).sendAsync(request, HttpResponse.BodyHandlers.discarding());
  }

  private HttpRequest head(URI uri, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", ACCEPT)
            .method("HEAD", HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }

  /** One client per registry host: its TLS trust is the host's own. */
  private HttpClient client(Target t) {
    return clients.computeIfAbsent(
        t.host(),
        host ->
            HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .sslContext(RegistryTrust.context(RegistryTrust.casFor(certsDir, host)))
                .executor(executor)
                .build());
  }

  private static Refused unauthorized(Target t) {
    return new Refused(
        Reason.UNAUTHORIZED,
        t.login().isPresent()
            ? "registry " + t.host() + " refused the credentials stored for it (user '"
                + t.login().get().username() + "') for " + t.path()
            : "registry " + t.host() + " needs credentials for " + t.path()
                + "; store yours with PUT /v1/registries/" + t.host());
  }

  private Refused unreachable(Target t, Throwable e) {
    String why;
    if (e instanceof HttpTimeoutException) {
      why = "did not answer within " + timeout.toMillis() + " ms";
    } else if (e instanceof ConnectException) {
      why = "refused the connection or cannot be reached";
    } else if (e instanceof SSLHandshakeException) {
      why =
          "failed the TLS handshake (" + e.getMessage() + "); is its CA in "
              + certsDir.resolve(t.host()).resolve("ca.crt") + "?";
    } else {
      why = "cannot be reached (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
    }
    return new Refused(Reason.UNREACHABLE, "registry " + t.host() + " " + why);
  }

  private static boolean isLoopback(String host) {
    String name = host.startsWith("[") ? host.substring(1, host.indexOf(']')) : host.split(":")[0];
    return name.equals("localhost") || name.startsWith("127.") || name.equals("::1");
  }

  private static Throwable cause(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    // java.net.http wraps some failures once more in an IOException of the same message.
    if (t instanceof java.io.IOException && t.getCause() instanceof SSLException ssl) {
      return ssl;
    }
    if (t instanceof java.io.IOException && t.getCause() instanceof ConnectException c) {
      return c;
    }
    return t;
  }

  private static String basic(RegistryLogin login) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** One resolution's coordinates. */
  private record Target(
      String host, String apiHost, String path, String ref, Optional<RegistryLogin> login) {}
}
