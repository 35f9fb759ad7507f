package dev.faas.node.callback;

import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/** What a callback URL may look like, before any address is looked at. */
final class CallbackUrls {

  /** A plain IPv4 or IPv6 address: no prefix, mask, range, zone or inet_aton short form. */
  private static final IPAddressStringParameters LITERAL = new IPAddressStringParameters.Builder()
      .allowEmpty(false)
      .allowAll(false)
      .allowPrefix(false)
      .allowPrefixOnly(false)
      .allowSingleSegment(false)
      .allowMask(false)
      .allowWildcardedSeparator(false)
      .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
      .getIPv4AddressParametersBuilder()
          .allow_inet_aton(false)
          .getParentBuilder()
      .getIPv6AddressParametersBuilder()
          .allowZone(false)
          .getParentBuilder()
      .toParams();

  private CallbackUrls() {}

  /** Why this URL cannot be a callback target, or null if it can. Never repeats user info. */
  static String problem(URI url) {
    if (url == null) {
      return "no callback URL";
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "callback URL scheme [" + scheme + "] is not http or https";
    }
    if (url.isOpaque() || url.getHost() == null || url.getHost().isEmpty()) {
      return "callback URL has no valid host";
    }
    if (url.getRawUserInfo() != null) {
      return "callback URL for host " + url.getHost() + " carries user info, which callbacks do not send";
    }
    int port = url.getPort();
    if (port == 0 || port > 65535) {
      return "callback URL for host " + url.getHost() + " has port " + port;
    }
    return null;
  }

  /** The URL's host without the brackets of an IPv6 literal. */
  static String bareHost(URI url) {
    return unbracket(url.getHost());
  }

  static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The address an IP-literal host stands for (no lookup), or null if the host is a name. */
  static InetAddress literal(String host) {
    IPAddressString parsed = new IPAddressString(unbracket(host), LITERAL);
    if (!parsed.isIPAddress()) {
      return null;
    }
    return parsed.getAddress().toInetAddress();
  }

  /** Whether two host spellings name the same thing (case-insensitive names, equal addresses). */
  static boolean sameHost(String a, String b) {
    InetAddress la = literal(a);
    InetAddress lb = literal(b);
    if (la != null || lb != null) {
      return la != null && la.equals(lb);
    }
    return unbracket(a).equalsIgnoreCase(unbracket(b));
  }
}
