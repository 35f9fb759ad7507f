package dev.faas.node;

import com.typesafe.config.Config;
import dev.faas.actors.image.ImagePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where functions' images come from: the {@code faas.images} section.
 *
 * @param policy {@code FAAS_IMAGE_POLICY}: {@code registry} or {@code local-first}
 * @param allowedRegistries {@code FAAS_REGISTRY_ALLOW}: the registry hosts references may name;
 *     empty, any
 * @param certsDir where registries' CA certificates are, per host, as for the Docker engine
 * @param registryTimeout the deadline of each request to a registry while resolving a reference
 */
public record ImageConfig(
    ImagePolicy policy, Set<String> allowedRegistries, Path certsDir, Duration registryTimeout) {

  public ImageConfig {
    allowedRegistries = Set.copyOf(allowedRegistries);
  }

  /** Reads {@code images} of the {@code faas} section. */
  static ImageConfig from(Config faas) {
    Config c = faas.getConfig("images");
    return new ImageConfig(
        ImagePolicy.parse(c.getString("policy")),
        Arrays.stream(c.getString("registry-allow").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet()),
        Path.of(c.getString("certs-dir")),
        c.getDuration("registry-timeout"));
  }
}
