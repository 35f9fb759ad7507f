package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The web console's files: served open, typed, revalidated, and always with the hardening headers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {
  private static final Path SOURCES =
      Path.of(System.getProperty("basedir", "."), "src", "main", "resources", "dev", "faas", "http", "console");

  private final ApiFixture api = new ApiFixture();

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void thePageIsServedOpenWithAStrictPolicy() {
    HttpResponse<String> page = check(api.call("GET", "/console", null, null), 200);
    assertEquals("text/html; charset=UTF-8", page.headers().firstValue("Content-Type").orElse(""));
    assertTrue(page.body().contains("<script type=\"module\" src=\"/console/app.js\">"), page.body());
    assertHardened(page);
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    for (String directive :
        List.of(
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            "object-src 'none'",
            "require-trusted-types-for 'script'")) {
      assertTrue(csp.contains(directive), csp + " lacks " + directive);
    }
    assertFalse(csp.contains("unsafe"), csp);
  }

  @Test
  void everyAssetIsServedWithItsType() {
    for (String asset : ConsoleRoutes.ASSETS) {
      HttpResponse<String> response = check(api.call("GET", "/console/" + asset, null, null), 200);
      String type = response.headers().firstValue("Content-Type").orElse("");
      String expected =
          asset.endsWith(".js")
              ? "text/javascript; charset=UTF-8"
              : asset.endsWith(".css") ? "text/css; charset=UTF-8" : "image/svg+xml";
      assertEquals(expected, type, asset);
      assertHardened(response);
      assertFalse(response.body().isEmpty(), asset);
    }
  }

  @Test
  void anUnchangedFileIsNotSentAgain() {
    HttpResponse<String> first = check(api.call("GET", "/console/app.js", null, null), 200);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again =
        api.call("GET", "/console/app.js", null, null, "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertEquals("", again.body());
  }

  @Test
  void anythingElseUnderConsoleIs404AndOtherMethods405() {
    HttpResponse<String> missing = check(api.call("GET", "/console/nope.js", null, null), 404);
    assertEquals(
        Problem.CONTENT_TYPE.toString(), missing.headers().firstValue("Content-Type").orElse(""));
    assertHardened(missing);
    check(api.call("GET", "/console/..%2Fopenapi.yaml", null, null), 404);
    check(api.call("GET", "/console/app.js/x", null, null), 404);
    HttpResponse<String> post = check(api.call("POST", "/console", null, "{}"), 405);
    assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
  }

  /** A file added to the folder but not to the list would be silently missing from the console. */
  @Test
  void everyFileInTheFolderIsServedAndEveryImportResolves() throws IOException {
    Set<String> files;
    try (Stream<Path> listing = Files.list(SOURCES)) {
      files = listing.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> served = new TreeSet<>(ConsoleRoutes.ASSETS);
    served.add(ConsoleRoutes.PAGE);
    assertEquals(files, served);
    Pattern imports = Pattern.compile("from '\\./([^']+)'");
    for (String asset : ConsoleRoutes.ASSETS) {
      if (asset.endsWith(".js")) {
        Matcher m = imports.matcher(Files.readString(SOURCES.resolve(asset)));
        while (m.find()) {
          assertTrue(served.contains(m.group(1)), asset + " imports unserved " + m.group(1));
        }
      }
    }
  }

  private static void assertHardened(HttpResponse<String> response) {
    var headers = response.headers();
    assertTrue(headers.firstValue("Content-Security-Policy").isPresent(), "no CSP");
    assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(""));
    assertEquals("DENY", headers.firstValue("X-Frame-Options").orElse(""));
    assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(""));
    assertEquals("same-origin", headers.firstValue("Cross-Origin-Opener-Policy").orElse(""));
  }
}
