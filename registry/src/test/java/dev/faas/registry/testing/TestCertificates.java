package dev.faas.registry.testing;

import dev.faas.registry.RegistryTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A CA and a server certificate signed by it, made with the machine's {@code openssl} for a
 * test registry: {@code ca.crt}, {@code server.crt} and {@code server.key} in a directory.
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** Makes the CA and a certificate for {@code ip} (as its subject alternative name) in {@code dir}. */
  public static void make(Path dir, String ip) throws IOException, InterruptedException {
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
        "ca.crt", "-days", "2", "-subj", "/CN=faas-test-ca");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
        "server.csr", "-subj", "/CN=" + ip);
    java.nio.file.Files.writeString(
        dir.resolve("server.ext"),
        "subjectAltName=IP:" + ip + "\nbasicConstraints=CA:FALSE\n"
            + "extendedKeyUsage=serverAuth\n");
    openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
  }

  /** A client context trusting the CA at {@code ca} (and the machine's usual ones). */
  static SSLContext trusting(Path ca) {
    return RegistryTrust.context(List.of(ca));
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
