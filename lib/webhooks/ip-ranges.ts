// Which IP addresses a webhook may reach and what an IP allow-list means. The address
// classification is ipaddr.js's; what is hand-written here is only the policy (which of its
// ranges are refused, and looking inside v6 forms that embed a v4 address). Free of Node
// modules so the browser form can validate allow-lists too.
import ipaddr from "ipaddr.js";

/** `ipaddr.parse` of a v4 or v6 string, with IPv4-mapped v6 (`::ffff:127.0.0.1`) turned into its v4; null when not an IP. */
function parseIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(ip)) return null;
  const addr = ipaddr.parse(ip);
  return addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

function v4FromBytes(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

/**
 * Whether `ip` is in a range refused when private networks are not allowed. Only ipaddr.js's
 * "unicast" is public; v6 translation forms (NAT64, SIIT, 6to4) are judged by the v4 address
 * they carry, since that is where the packets end up. Anything unparsable is refused.
 */
export function isForbiddenAddress(ip: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return true;
  if (addr.kind() === "ipv4") return addr.range() !== "unicast";
  const v6 = addr as ipaddr.IPv6;
  const bytes = v6.toByteArray();
  switch (v6.range()) {
    case "unicast":
      // IPv4-compatible ::a.b.c.d (RFC 4291, deprecated) falls in "unicast" for ipaddr.js.
      return bytes.slice(0, 12).every((b) => b === 0);
    case "rfc6052": // NAT64 64:ff9b::/96 (DNS64 answers on IPv6-only networks look like this)
    case "rfc6145": // SIIT ::ffff:0:a.b.c.d
      return isForbiddenAddress(v4FromBytes(bytes.slice(12)).toString());
    case "6to4": // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
      return isForbiddenAddress(v4FromBytes(bytes.slice(2, 6)).toString());
    default:
      // loopback, unspecified, link-local, unique-local, multicast, Teredo (its client v4 is
      // obfuscated), documentation, benchmarking and the other special ranges.
      return true;
  }
}

/** A CIDR or single IP, as ipaddr.js values with the prefix; v4-mapped v6 ranges become v4. */
function parseRange(value: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  const text = value.trim();
  try {
    const [addr, prefix] = text.includes("/") ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
    // Refuse ipaddr.js's lenient v4 forms ("10", "0x7f.1") in a whitelist: a person reads them wrong.
    const addrText = text.split("/")[0];
    if (addr.kind() === "ipv4" && !ipaddr.IPv4.isValidFourPartDecimal(addrText)) return null;
    const bits = prefix === -1 ? (addr.kind() === "ipv4" ? 32 : 128) : prefix;
    if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
    }
    return [addr, bits];
  } catch {
    return null;
  }
}

export function isValidCidr(value: string): boolean {
  return parseRange(value) !== null;
}

/** Whether `ip` lies in any of `cidrs` (CIDRs or single IPs). IPv4-mapped v6 addresses match v4 ranges. */
export function isInCidrs(ip: string, cidrs: string[]): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  return cidrs.some((cidr) => {
    const range = parseRange(cidr);
    if (!range || range[0].kind() !== addr.kind()) return false;
    return addr.kind() === "ipv4"
      ? (addr as ipaddr.IPv4).match(range[0] as ipaddr.IPv4, range[1])
      : (addr as ipaddr.IPv6).match(range[0] as ipaddr.IPv6, range[1]);
  });
}
