// The SSRF guard for webhook URLs: which URLs a webhook may have, and which addresses a
// delivery may connect to. Validation uses the synchronous shape check; every attempt resolves
// the host through `resolveAllowedAddresses` and connects only to the addresses it returns
// (lib/delivery/http-post.ts pins them, so a DNS answer cannot change between check and use).
// The address classification is ipaddr.js's; what is hand-written here is only the policy
// (which of its ranges are refused, and looking inside v6 forms that embed a v4 address).
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export type UrlProblem = {
  code: "invalid_url" | "unsupported_scheme" | "private_address" | "unresolvable" | "not_whitelisted";
  message: string;
};

export const MAX_URL_LENGTH = 2048;

/** Synchronous shape check used by validation: http/https only, has a host, no credentials, length ≤ 2048. */
export function checkUrlShape(url: string): UrlProblem | null {
  if (url.length > MAX_URL_LENGTH) return { code: "invalid_url", message: `the URL is longer than ${MAX_URL_LENGTH} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: "invalid_url", message: "not a valid URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { code: "unsupported_scheme", message: "the URL must start with http:// or https://" };
  }
  if (!parsed.hostname) return { code: "invalid_url", message: "the URL has no host" };
  if (parsed.username || parsed.password) {
    return { code: "invalid_url", message: "the URL must not contain a user name or password; use custom headers for credentials" };
  }
  return null;
}

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

export type ResolveResult = { ok: true; addresses: string[] } | { ok: false; problem: UrlProblem };

/**
 * Resolves the URL's host and returns the addresses a delivery may connect to. Every address
 * must pass, not just one: the connection may go to any of them. Literal IPs in any form WHATWG
 * URL accepts ("2130706433", "0177.0.0.1", "0x7f.1", "[::ffff:127.0.0.1]") are already
 * normalised by `new URL()`.
 */
export async function resolveAllowedAddresses(url: string, opts: { allowPrivateNetworks: boolean; ipWhitelist?: string[] }): Promise<ResolveResult> {
  const shape = checkUrlShape(url);
  if (shape) return { ok: false, problem: shape };
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");

  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "lookup failed";
      return { ok: false, problem: { code: "unresolvable", message: `could not resolve ${host} (${code})` } };
    }
    if (addresses.length === 0) return { ok: false, problem: { code: "unresolvable", message: `${host} has no addresses` } };
  }

  const whitelist = opts.ipWhitelist ?? [];
  for (const address of addresses) {
    if (!opts.allowPrivateNetworks && isForbiddenAddress(address)) {
      const via = address === host ? "" : ` (${host} resolves to ${address})`;
      return { ok: false, problem: { code: "private_address", message: `the URL points to a private or reserved address${via}` } };
    }
    if (whitelist.length > 0 && !isInCidrs(address, whitelist)) {
      return { ok: false, problem: { code: "not_whitelisted", message: `${address} is not in the webhook's IP whitelist` } };
    }
  }
  return { ok: true, addresses };
}
