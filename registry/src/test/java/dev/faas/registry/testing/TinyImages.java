package dev.faas.registry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tiny images made by the engine for registry tests ({@code FROM scratch} with one file whose
 * content tells them apart), pushed to a {@link LoopbackRegistry}, and removed from the engine
 * again when closed.
 */
public final class TinyImages implements AutoCloseable {
  private final LoopbackRegistry cli;
  private final Path context;
  private final List<String> made = new ArrayList<>();

  /** @param cli the registry whose docker CLI configuration builds and removes them */
  public TinyImages(LoopbackRegistry cli) throws IOException {
    this.cli = cli;
    this.context = Files.createTempDirectory("faas-tiny-image-");
  }

  /**
   * Builds an image whose {@code /content} is {@code content}, tags it {@code reference}, pushes
   * it to {@code registry} and answers the digest the engine reports for the push.
   */
  public String push(LoopbackRegistry registry, String reference, String content)
      throws IOException, InterruptedException {
    Files.writeString(context.resolve("content"), content);
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY content /content\n");
    String id = cli.cli("build", "--quiet", "--tag", reference, context.toString()).strip();
    made.add(id);
    registry.cli("push", "--quiet", reference);
    String repoDigests =
        cli.cli("image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}",
            reference);
    String repository = reference.substring(0, reference.lastIndexOf(':'));
    for (String line : repoDigests.split("\n")) {
      if (line.startsWith(repository + "@")) {
        return line.substring(repository.length() + 1).strip();
      }
    }
    throw new IllegalStateException("no digest of " + repository + " in " + repoDigests);
  }

  /**
   * Removes from the engine an image made here (or pulled by the test), with every tag it has, if
   * it is there.
   */
  public void removeFromEngine(String reference) {
    try {
      cli.cli("image", "rm", "--force", reference);
    } catch (IllegalStateException | IOException e) {
      // Not there.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    made.forEach(this::removeFromEngine);
    try (Stream<Path> files = Files.walk(context)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
