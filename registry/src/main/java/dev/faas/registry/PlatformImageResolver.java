package dev.faas.registry;

import dev.faas.actors.Stages;
import dev.faas.actors.image.ImagePolicy;
import dev.faas.actors.image.ImageResolution;
import dev.faas.actors.image.ImageResolution.Reason;
import dev.faas.actors.image.ImageResolution.Refused;
import dev.faas.actors.image.ImageResolver;
import dev.faas.actors.image.LocalImages;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.model.ImageNames;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's {@link ImageResolver}: the policy ({@code FAAS_IMAGE_POLICY}), the registry
 * allow-list ({@code FAAS_REGISTRY_ALLOW}), the owner's credentials and the registry, in that
 * order.
 *
 * <ul>
 *   <li>Under {@link ImagePolicy#LOCAL_FIRST}, a reference the node's engine has is used as it is:
 *       pinned to the engine's own digest of it when it came from a registry, else run by its
 *       reference ({@link ImageResolution.Local}). The allow-list is about registries and does
 *       not apply to what is already local.
 *   <li>Otherwise the reference's registry must be allowed, and answer, with the owner's
 *       credentials for that host if they stored some, with its digest.
 * </ul>
 */
public final class PlatformImageResolver implements ImageResolver {
  private static final Logger log = LoggerFactory.getLogger(PlatformImageResolver.class);

  private final ImagePolicy policy;
  private final Set<String> allowedHosts;
  private final RegistryCredentials credentials;
  private final RegistryClient registry;
  private final Optional<LocalImages> local;

  /**
   * @param allowedHosts registry hosts ({@code host[:port]}) references may name; empty: any
   * @param local the node's engine, when it has one (looked at under local-first only)
   */
  public PlatformImageResolver(
      ImagePolicy policy,
      Set<String> allowedHosts,
      RegistryCredentials credentials,
      RegistryClient registry,
      Optional<LocalImages> local) {
    this.policy = policy;
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.credentials = credentials;
    this.registry = registry;
    this.local = local;
  }

  @Override
  public CompletionStage<ImageResolution> resolve(String owner, String reference) {
    if (policy == ImagePolicy.LOCAL_FIRST && local.isPresent()) {
      return local
          .get()
          .repoDigests(reference)
          .handle(
              (found, error) -> {
                if (error != null) {
                  // The engine is away: the registry still decides.
                  log.debug("Local image lookup of [{}] failed: [{}]", reference, error.toString());
                  return Optional.<List<String>>empty();
                }
                return found;
              })
          .thenCompose(
              found ->
                  found.isPresent()
                      ? CompletableFuture.completedFuture(localResolution(reference, found.get()))
                      : fromRegistry(owner, reference));
    }
    return fromRegistry(owner, reference);
  }

  private CompletionStage<ImageResolution> fromRegistry(String owner, String reference) {
    String host = ImageNames.host(reference);
    if (!allowedHosts.isEmpty() && !allowedHosts.contains(host)) {
      return CompletableFuture.completedFuture(
          new Refused(
              Reason.NOT_ALLOWED,
              "registry " + host + " is not among the registries this platform allows ("
                  + String.join(", ", allowedHosts.stream().sorted().toList()) + ")"));
    }
    return credentials
        .login(owner, host)
        .handle(
            (login, error) -> {
              if (error == null) {
                return registry.resolve(reference, login);
              }
              if (Stages.unwrap(error) instanceof UnopenableCredentials) {
                // The platform key changed, or the stored seal was tampered with: only a new PUT
                // of the credentials helps, and the owner is the one who can do it.
                return CompletableFuture.<ImageResolution>completedFuture(
                    new Refused(
                        Reason.UNAUTHORIZED,
                        "the credentials stored for registry " + host + " cannot be read any"
                            + " more; store them again with PUT /v1/registries/" + host));
              }
              return CompletableFuture.<ImageResolution>failedFuture(error);
            })
        .thenCompose(stage -> stage);
  }

  /**
   * A local image pinned to the digest it was pulled by from the same repository, when it has
   * one; else run as it is.
   */
  static ImageResolution localResolution(String reference, List<String> repoDigests) {
    String repository = ImageNames.familiar(ImageNames.repository(reference));
    for (String repoDigest : repoDigests) {
      int at = repoDigest.indexOf('@');
      if (at > 0 && ImageNames.familiar(repoDigest.substring(0, at)).equals(repository)) {
        return new ImageResolution.Pinned(repoDigest.substring(at + 1));
      }
    }
    return new ImageResolution.Local();
  }
}
