package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.conditional;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.EntityTag;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web console (docs/console.md): a page and its static files, read once from the classpath
 * and served open, like {@code /healthz}: they hold no data, and every call the page makes to the
 * API carries the user's token. Every answer carries a strict Content-Security-Policy and the
 * other hardening headers (decision 0025); a file is revalidated by its {@code ETag} each time.
 */
final class ConsoleRoutes {
  /** Where the console's files live on the classpath. */
  static final String RESOURCES = "/dev/faas/http/console/";

  /** The page, served at {@code /console}. */
  static final String PAGE = "index.html";

  /** Every file served at {@code /console/{asset}}; nothing else under the folder is. */
  static final List<String> ASSETS =
      List.of(
          "console.css",
          "favicon.svg",
          "app.js",
          "api.js",
          "dom.js",
          "session.js",
          "functions.js",
          "invoke.js",
          "activations.js",
          "account.js");

  /**
   * Only the console's own files and the API on the same origin: no inline script or style (so an
   * injected one does not run), no plugin, no {@code <base>}, no form posted anywhere (the forms
   * are sent by script; one sent before the script ran would put a password in a URL), never in a
   * frame, and no HTML from strings (Trusted Types: the page builds its DOM node by node).
   */
  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self'",
          "connect-src 'self'",
          "font-src 'none'",
          "object-src 'none'",
          "media-src 'none'",
          "worker-src 'none'",
          "manifest-src 'none'",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-src 'none'",
          "frame-ancestors 'none'",
          "require-trusted-types-for 'script'",
          "trusted-types 'none'");

  private static final List<HttpHeader> HARDENING =
      List.of(
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("Cross-Origin-Opener-Policy", "same-origin"),
          RawHeader.create("Cross-Origin-Resource-Policy", "same-origin"),
          RawHeader.create(
              "Permissions-Policy",
              "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
          RawHeader.create("Cache-Control", "no-cache"));

  // RFC 9239: text/javascript is the one type for JavaScript; module scripts need a JavaScript type.
  private static final ContentType JAVASCRIPT =
      MediaTypes.customWithOpenCharset("text", "javascript", Map.of(), false)
          .toContentType(HttpCharsets.UTF_8);
  private static final ContentType CSS = MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8);
  private static final ContentType SVG = MediaTypes.IMAGE_SVG_XML.toContentType();

  private record Asset(ContentType type, byte[] bytes, EntityTag etag) {}

  private final Asset page;
  private final Map<String, Asset> assets;

  ConsoleRoutes() {
    this.page = load(PAGE);
    Map<String, Asset> loaded = new LinkedHashMap<>();
    for (String name : ASSETS) {
      loaded.put(name, load(name));
    }
    this.assets = Map.copyOf(loaded);
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(GET, "/console", params -> serve(page)),
        Endpoint.open(
            GET,
            "/console/{asset}",
            params -> {
              Asset asset = assets.get(params.values().get("asset"));
              return asset == null
                  ? respondWithHeaders(
                      HARDENING,
                      () ->
                          Problem.of(StatusCodes.NOT_FOUND, "the console has no such file")
                              .toRoute())
                  : serve(asset);
            }));
  }

  private static Route serve(Asset asset) {
    return respondWithHeaders(
        HARDENING,
        () ->
            conditional(
                asset.etag(), () -> complete(HttpEntities.create(asset.type(), asset.bytes()))));
  }

  private static Asset load(String name) {
    String resource = RESOURCES + name;
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + resource);
      }
      byte[] bytes = in.readAllBytes();
      String hash =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
      return new Asset(typeOf(name), bytes, EntityTag.create(hash, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ContentType typeOf(String name) {
    if (name.endsWith(".html")) {
      return ContentTypes.TEXT_HTML_UTF8;
    } else if (name.endsWith(".js")) {
      return JAVASCRIPT;
    } else if (name.endsWith(".css")) {
      return CSS;
    } else if (name.endsWith(".svg")) {
      return SVG;
    }
    throw new IllegalArgumentException("no content type for " + name);
  }
}
