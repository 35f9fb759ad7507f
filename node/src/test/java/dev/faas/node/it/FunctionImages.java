package dev.faas.node.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * Function images for the end-to-end tests, built locally since nothing can be pulled
 * (ENVIRONMENT.md): busybox-static on {@code scratch}, and on top of it one image per function
 * that differs only in its command. Each is built at most once per JVM and tagged {@code
 * faas-it/<name>:1}.
 */
public final class FunctionImages {
  /** The base: busybox and its applets, command {@code cat}. */
  public static final String BASE = "faas-it/busybox:1";

  private static final Set<String> BUILT = new HashSet<>();

  private FunctionImages() {}

  /**
   * The image {@code faas-it/<name>:1}, built from the base with these Dockerfile lines (its
   * {@code CMD}, maybe an {@code ENTRYPOINT}) unless this JVM already built it.
   *
   * @param instructions Dockerfile lines after the {@code FROM}, e.g. {@code CMD ["cat"]}
   */
  public static synchronized String image(String name, String instructions) throws Exception {
    String tag = "faas-it/" + name + ":1";
    if (BUILT.add(tag)) {
      try {
        buildBase();
        Path context = Files.createTempDirectory("faas-it-" + name);
        try {
          Files.writeString(
              context.resolve("Dockerfile"), "FROM " + BASE + "\n" + instructions + "\n");
          DockerEngine.build(context, tag);
        } finally {
          deleteTree(context);
        }
      } catch (Exception e) {
        BUILT.remove(tag);
        throw e;
      }
    }
    return tag;
  }

  /** An image whose command is this exec-form JSON array, e.g. {@code ["sh","-c","..."]}. */
  public static String withCommand(String name, String execForm) throws Exception {
    return image(name, "CMD " + execForm);
  }

  private static void buildBase() throws Exception {
    if (!BUILT.add(BASE)) {
      return;
    }
    Path busybox = Path.of("/usr/bin/busybox");
    if (!Files.isExecutable(busybox)) {
      busybox = Path.of("/bin/busybox");
    }
    if (!Files.isExecutable(busybox)) {
      BUILT.remove(BASE);
      throw new IllegalStateException(
          "busybox is missing: install busybox-static (ENVIRONMENT.md)");
    }
    Path context = Files.createTempDirectory("faas-it-busybox");
    try {
      Files.copy(busybox, context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(
          context.resolve("Dockerfile"),
          """
          FROM scratch
          COPY busybox /bin/busybox
          RUN ["/bin/busybox", "--install", "-s", "/bin"]
          CMD ["cat"]
          """);
      DockerEngine.build(context, BASE);
    } catch (Exception e) {
      BUILT.remove(BASE);
      throw e;
    } finally {
      deleteTree(context);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
