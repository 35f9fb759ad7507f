package dev.faas.node.callback;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which addresses a completion callback may be POSTed to.
 *
 * <p>A callback URL is chosen by a user, but the POST leaves from an API node, inside the platform's
 * network: without this policy a user could make the node reach its own internals (NATS monitoring,
 * the Docker engine, cloud metadata at 169.254.169.254). So every address that is not public unicast is
 * denied, unless the operator lists its range in {@code FAAS_CALLBACK_ALLOW} (a test cluster on
 * loopback, a company network of receivers). IPv6 forms that carry an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are judged by that IPv4 address, which is where their packets end up.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallbackAddresses {

  /** Strict CIDR notation: no host names, wildcards, ranges, masks, zones or inet_aton short forms. */
  private static final IPAddressStringParameters CIDR = new IPAddressStringParameters.Builder()
      .allowEmpty(false)
      .allowAll(false)
      .allowPrefixOnly(false)
      .allowSingleSegment(false)
      .allowMask(false)
      .allowWildcardedSeparator(false)
      .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
      .getIPv4AddressParametersBuilder()
          .allow_inet_aton(false)
          .allowLeadingZeros(false)
          .getParentBuilder()
      .getIPv6AddressParametersBuilder()
          .allowZone(false)
          .allowLeadingZeros(true)
          .getParentBuilder()
      .toParams();

  private static final List<IPAddress> DENIED_V4 = blocks(
      "0.0.0.0/8",          // "this network", unspecified
      "10.0.0.0/8",         // private
      "100.64.0.0/10",      // shared address space (CGNAT)
      "127.0.0.0/8",        // loopback
      "169.254.0.0/16",     // link-local, cloud metadata
      "172.16.0.0/12",      // private
      "192.0.0.0/24",       // IETF protocol assignments
      "192.168.0.0/16",     // private
      "198.18.0.0/15",      // benchmarking
      "224.0.0.0/4",        // multicast
      "240.0.0.0/4");       // reserved, including 255.255.255.255

  private static final List<IPAddress> DENIED_V6 = blocks(
      "::/128",             // unspecified
      "::1/128",            // loopback
      "fe80::/10",          // link-local
      "fec0::/10",          // site-local (deprecated, still routed by some stacks)
      "fc00::/7",           // unique local
      "ff00::/8",           // multicast
      "64:ff9b:1::/48");    // local-use NAT64: which IPv4 it carries depends on the local setup

  private static final IPAddress MAPPED = block("::ffff:0:0/96");
  private static final IPAddress TRANSLATED = block("::ffff:0:0:0/96");
  private static final IPAddress COMPATIBLE = block("::/96");
  private static final IPAddress NAT64 = block("64:ff9b::/96");
  private static final IPAddress SIX_TO_FOUR = block("2002::/16");

  private final List<IPAddress> allowed;

  private CallbackAddresses(List<IPAddress> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Denies every non-public address; what {@code parse("")} gives. */
  public static CallbackAddresses denyPrivate() {
    return new CallbackAddresses(List.of());
  }

  /**
   * Reads the operator's allow list.
   *
   * @param allow null, blank, or comma-separated CIDR ranges such as {@code 127.0.0.0/8,10.1.0.0/16,::1/128};
   *     a bare address stands for itself alone (/32 or /128)
   * @throws IllegalArgumentException naming the first entry that is not a CIDR range, or that has bits set
   *     beyond its prefix (10.1.2.3/8 is refused rather than silently widened to 10.0.0.0/8)
   */
  public static CallbackAddresses parse(String allow) {
    if (allow == null || allow.isBlank()) {
      return denyPrivate();
    }
    List<IPAddress> ranges = new ArrayList<>();
    for (String raw : allow.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("FAAS_CALLBACK_ALLOW has an empty entry in [" + allow + "]");
      }
      ranges.add(range(entry));
    }
    return new CallbackAddresses(ranges);
  }

  private static IPAddress range(String entry) {
    IPAddress address;
    try {
      address = new IPAddressString(entry, CIDR).toAddress();
    } catch (AddressStringException | RuntimeException e) {
      throw new IllegalArgumentException(
          "FAAS_CALLBACK_ALLOW entry [" + entry + "] is not a CIDR range (like 10.1.0.0/16 or fd00::/8)", e);
    }
    if (address == null) {
      throw new IllegalArgumentException("FAAS_CALLBACK_ALLOW entry [" + entry + "] is not a CIDR range");
    }
    Integer prefix = address.getNetworkPrefixLength();
    if (prefix == null) {
      return address.setPrefixLength(address.getBitCount(), false);
    }
    IPAddress block = address.toPrefixBlock();
    if (!block.getLower().withoutPrefixLength().equals(address.getLower().withoutPrefixLength())) {
      throw new IllegalArgumentException("FAAS_CALLBACK_ALLOW entry [" + entry + "] has host bits set: did you mean ["
          + block.getLower().withoutPrefixLength().toCanonicalString() + "/" + prefix + "]?");
    }
    return block;
  }

  /** Whether a callback may connect to this address. */
  public boolean permitted(InetAddress address) {
    IPAddress ip = of(address);
    if (isAllowed(ip)) {
      return true;
    }
    if (ip.isIPv4()) {
      return !within(DENIED_V4, ip);
    }
    if (within(DENIED_V6, ip)) {
      return false;
    }
    Optional<IPv4Address> carried = embeddedIPv4((IPv6Address) ip);
    if (carried.isPresent()) {
      return isAllowed(carried.get()) || !within(DENIED_V4, carried.get());
    }
    return true;
  }

  /** The ranges the operator allowed, in canonical CIDR form (for logs). */
  public List<String> allowedRanges() {
    return allowed.stream().map(IPAddress::toCanonicalString).toList();
  }

  @Override
  public String toString() {
    return "CallbackAddresses[allow=" + allowedRanges() + "]";
  }

  private boolean isAllowed(IPAddress ip) {
    return within(allowed, ip);
  }

  private static Optional<IPv4Address> embeddedIPv4(IPv6Address ip) {
    if (MAPPED.contains(ip) || TRANSLATED.contains(ip) || COMPATIBLE.contains(ip) || NAT64.contains(ip)) {
      return Optional.of(ip.getEmbeddedIPv4Address());                   // the low 32 bits
    }
    if (SIX_TO_FOUR.contains(ip)) {
      return Optional.of(ip.get6To4IPv4Address());                       // bits 16 to 47
    }
    return Optional.empty();
  }

  private static boolean within(List<IPAddress> ranges, IPAddress ip) {
    for (IPAddress range : ranges) {
      if (range.getIPVersion() == ip.getIPVersion() && range.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  private static IPAddress of(InetAddress address) {
    if (address instanceof Inet4Address v4) {
      return new IPv4Address(v4);
    }
    if (address instanceof Inet6Address v6) {
      return new IPv6Address(v6.getAddress());                           // the scope id does not change where it goes
    }
    throw new IllegalArgumentException("not an IP address: " + address);
  }

  private static List<IPAddress> blocks(String... cidrs) {
    return Stream.of(cidrs).map(CallbackAddresses::block).toList();
  }

  private static IPAddress block(String cidr) {
    return new IPAddressString(cidr).getAddress().toPrefixBlock();
  }
}
