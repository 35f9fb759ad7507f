package dev.faas.node.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackAddressesTest {

  private static final CallbackAddresses DEFAULT = CallbackAddresses.parse("");

  @ParameterizedTest(name = "{0} is {1} by default")
  @CsvSource({
      // IPv4 public unicast
      "93.184.216.34,     permitted",
      "8.8.8.8,           permitted",
      "1.1.1.1,           permitted",
      "11.0.0.1,          permitted",
      "9.255.255.255,     permitted",
      "100.63.255.255,    permitted",
      "100.128.0.0,       permitted",
      "126.255.255.255,   permitted",
      "128.0.0.0,         permitted",
      "169.253.255.255,   permitted",
      "169.255.0.0,       permitted",
      "172.15.255.255,    permitted",
      "172.32.0.0,        permitted",
      "192.0.1.0,         permitted",
      "192.167.255.255,   permitted",
      "192.169.0.0,       permitted",
      "198.17.255.255,    permitted",
      "198.20.0.0,        permitted",
      "223.255.255.255,   permitted",
      // unspecified, "this network"
      "0.0.0.0,           denied",
      "0.255.255.255,     denied",
      // loopback
      "127.0.0.1,         denied",
      "127.255.255.254,   denied",
      "127.1.2.3,         denied",
      // link-local and cloud metadata
      "169.254.0.1,       denied",
      "169.254.169.254,   denied",
      // private
      "10.0.0.0,          denied",
      "10.0.0.1,          denied",
      "10.255.255.255,    denied",
      "172.16.0.0,        denied",
      "172.20.1.1,        denied",
      "172.31.255.255,    denied",
      "192.168.0.1,       denied",
      "192.168.255.255,   denied",
      // shared address space (CGNAT)
      "100.64.0.0,        denied",
      "100.100.100.100,   denied",
      "100.127.255.255,   denied",
      // IETF protocol assignments, benchmarking, reserved, broadcast
      "192.0.0.1,         denied",
      "192.0.0.255,       denied",
      "198.18.0.1,        denied",
      "198.19.255.255,    denied",
      "240.0.0.1,         denied",
      "250.1.2.3,         denied",
      "255.255.255.255,   denied",
      // multicast
      "224.0.0.1,         denied",
      "239.255.255.250,   denied",
      // IPv6 public unicast
      "2606:2800:220:1:248:1893:25c8:1946, permitted",
      "2001:4860:4860::8888,               permitted",
      "2a00:1450:4001:82a::200e,           permitted",
      "febf:ffff::1,                       denied",
      "fbff:ffff::1,                       permitted",
      "fe00::1,                            permitted",
      // IPv6 special
      "::,                 denied",
      "::1,                denied",
      "fe80::1,            denied",
      "fe80::1234:5678,    denied",
      "febf::1,            denied",
      "fec0::1,            denied",
      "feff::1,            denied",
      "fc00::1,            denied",
      "fd12:3456:789a::1,  denied",
      "ff02::1,            denied",
      "ff05::2,            denied",
      "64:ff9b:1::a00:1,   denied",
      // IPv4-mapped: Java turns these into Inet4Address, but judged the same either way
      "::ffff:127.0.0.1,   denied",
      "::ffff:10.0.0.1,    denied",
      "::ffff:169.254.169.254, denied",
      "::ffff:93.184.216.34,   permitted",
      // IPv4-translated (SIIT)
      "::ffff:0:10.0.0.1,       denied",
      "::ffff:0:93.184.216.34,  permitted",
      // IPv4-compatible (deprecated)
      "::127.0.0.1,        denied",
      "::10.0.0.1,         denied",
      "::192.168.1.1,      denied",
      "::93.184.216.34,    permitted",
      // NAT64 well-known prefix
      "64:ff9b::127.0.0.1,       denied",
      "64:ff9b::10.1.2.3,        denied",
      "64:ff9b::169.254.169.254, denied",
      "64:ff9b::93.184.216.34,   permitted",
      // 6to4: the IPv4 address sits in bits 16 to 47
      "2002:7f00:1::1,     denied",
      "2002:a00:1::,       denied",
      "2002:c0a8:101::1,   denied",
      "2002:a9fe:a9fe::1,  denied",
      "2002:5db8:d822::1,  permitted",
  })
  void defaultPolicy(String address, String expected) throws UnknownHostException {
    assertEquals("permitted".equals(expected), DEFAULT.permitted(literal(address)), address);
  }

  @ParameterizedTest(name = "with allow {0}: {1} is {2}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.0/8                  | 127.0.0.1          | permitted",
      "127.0.0.0/8                  | 127.255.0.9        | permitted",
      "127.0.0.0/8                  | 10.0.0.1           | denied",
      "127.0.0.0/8                  | ::1                | denied",
      "127.0.0.0/8                  | ::ffff:127.0.0.1   | permitted",
      "127.0.0.0/8                  | 64:ff9b::7f00:1    | permitted",
      "127.0.0.0/8                  | 2002:7f00:1::1     | permitted",
      "127.0.0.0/8                  | 93.184.216.34      | permitted",
      "10.1.0.0/16                  | 10.1.255.255       | permitted",
      "10.1.0.0/16                  | 10.2.0.1           | denied",
      "10.1.0.0/16, 192.168.7.0/24  | 192.168.7.9        | permitted",
      "10.1.0.0/16, 192.168.7.0/24  | 192.168.8.9        | denied",
      "10.1.2.3                     | 10.1.2.3           | permitted",
      "10.1.2.3                     | 10.1.2.4           | denied",
      "10.1.2.3/32                  | 10.1.2.3           | permitted",
      "::1/128                      | ::1                | permitted",
      "::1/128                      | 127.0.0.1          | denied",
      "::1                          | ::1                | permitted",
      "fd00::/8                     | fd00:1::5          | permitted",
      "fd00::/8                     | fc00::5            | denied",
      "fe80::/10                    | fe80::1            | permitted",
      "FE80::/10                    | fe80::1            | permitted",
      "0.0.0.0/0                    | 10.0.0.1           | permitted",
      "0.0.0.0/0                    | ::1                | denied",
      "::/0                         | ::1                | permitted",
      "::/0                         | 127.0.0.1          | denied",
      "127.0.0.0/8,10.1.0.0/16,::1/128 | 10.1.0.1        | permitted",
      "127.0.0.0/8,10.1.0.0/16,::1/128 | ::1             | permitted",
      "127.0.0.0/8,10.1.0.0/16,::1/128 | 172.16.0.1      | denied",
  })
  void allowList(String allow, String address, String expected) throws UnknownHostException {
    assertEquals("permitted".equals(expected),
        CallbackAddresses.parse(allow).permitted(literal(address)), allow + " / " + address);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  ", "\t"})
  void anEmptyAllowListAllowsNothingExtra(String allow) throws UnknownHostException {
    CallbackAddresses addresses = CallbackAddresses.parse(allow);
    assertTrue(addresses.allowedRanges().isEmpty());
    assertFalse(addresses.permitted(literal("127.0.0.1")));
    assertTrue(addresses.permitted(literal("93.184.216.34")));
  }

  @ParameterizedTest(name = "[{0}] is refused")
  @ValueSource(strings = {
      "localhost",
      "example.com",
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/-1",
      "10.0.0.0/",
      "/8",
      "10.0.0.0/8/8",
      "256.0.0.0/8",
      "10.0.0/24",
      "10.1",
      "010.0.0.0/8",
      "0x7f.0.0.1",
      "10.0.0.*",
      "10.0.0.1-10.0.0.9",
      "*",
      "10.0.0.0/255.0.0.0",
      "fe80::1%eth0/64",
      "10.1.2.3/8",
      "fd00::1/8",
      "127.0.0.0/8,",
      "127.0.0.0/8,,10.0.0.0/8",
      "127.0.0.0/8;10.0.0.0/8",
  })
  void malformedEntriesAreRefusedByName(String allow) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CallbackAddresses.parse(allow));
    assertTrue(e.getMessage().contains("FAAS_CALLBACK_ALLOW"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void theMessageNamesTheBadEntry() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CallbackAddresses.parse("127.0.0.0/8, 10.0.0.0/33 ,::1/128"));
    assertTrue(e.getMessage().contains("[10.0.0.0/33]"), e.getMessage());
  }

  @Test
  void hostBitsBeyondThePrefixAreNotSilentlyWidened() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CallbackAddresses.parse("10.1.2.3/8"));
    assertTrue(e.getMessage().contains("10.0.0.0/8"), e.getMessage());
  }

  @Test
  void allowedRangesAreCanonical() {
    assertEquals(List.of("127.0.0.0/8", "10.1.0.0/16", "::1/128", "10.9.9.9/32"),
        CallbackAddresses.parse(" 127.0.0.0/8 ,10.1.0.0/16, ::1/128,10.9.9.9").allowedRanges());
  }

  @Test
  void anInet6AddressWithAScopeIsJudgedByItsBytes() throws UnknownHostException {
    assertFalse(DEFAULT.permitted(InetAddress.getByName("fe80::1%1")));
  }

  /** An IP literal, never a DNS lookup. */
  static InetAddress literal(String address) throws UnknownHostException {
    if (!address.matches("[0-9a-fA-F:.%]+")) {
      throw new IllegalArgumentException("not a literal: " + address);
    }
    return InetAddress.getByName(address);
  }
}
