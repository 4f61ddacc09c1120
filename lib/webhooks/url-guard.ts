// The SSRF guard for webhook URLs: which addresses a delivery may connect to. Every attempt
// resolves the host through `resolveAllowedAddresses` and connects only to the addresses it
// returns (lib/delivery/http-post.ts pins them, so a DNS answer cannot change between check
// and use). The URL's shape and the address ranges live in url-shape.ts and ip-ranges.ts.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { memoizeBounded } from "@/lib/memoize-bounded";
import { isForbiddenAddress, isInCidrs } from "@/lib/webhooks/ip-ranges";
import { checkUrlShape, type UrlProblem } from "@/lib/webhooks/url-shape";

export { checkUrlShape, MAX_URL_LENGTH, type UrlProblem } from "@/lib/webhooks/url-shape";
export { isForbiddenAddress, isInCidrs, isValidCidr } from "@/lib/webhooks/ip-ranges";

export type ResolveResult = { ok: true; addresses: string[] } | { ok: false; problem: UrlProblem };

/**
 * Resolves the URL's host and returns the addresses a delivery may connect to. Every address
 * must pass, not just one: the connection may go to any of them. Literal IPs in any form WHATWG
 * URL accepts ("2130706433", "0177.0.0.1", "0x7f.1", "[::ffff:127.0.0.1]") are already
 * normalised by `new URL()`.
 */
export async function resolveAllowedAddresses(url: string, opts: GuardOptions): Promise<ResolveResult> {
  const known = allowedAddressesWithoutDns(url, opts);
  if (known) return known;
  const { host } = parsedUrl(url);
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "lookup failed";
    return { ok: false, problem: { code: "unresolvable", message: `could not resolve ${host} (${code})` } };
  }
  if (addresses.length === 0) return { ok: false, problem: { code: "unresolvable", message: `${host} has no addresses` } };
  return checkAddresses(host, addresses, opts);
}

/**
 * The answer of `resolveAllowedAddresses` when it needs no DNS lookup (a malformed URL, or a
 * literal IP host), synchronously; null when the host is a name to resolve. The delivery
 * engine puts a deadline only on lookups: a timer per attempt for an answer already known was
 * ~2 % of its CPU.
 */
export function allowedAddressesWithoutDns(url: string, opts: GuardOptions): ResolveResult | null {
  const { problem, host } = parsedUrl(url);
  if (problem) return { ok: false, problem };
  return isIP(host) ? checkAddresses(host, [host], opts) : null;
}

type GuardOptions = { allowPrivateNetworks: boolean; ipWhitelist?: string[] };

/** A URL's shape problem, or its host (an IPv6 address without brackets). */
interface ParsedUrl {
  problem: UrlProblem | null;
  host: string;
}

// Parsed once per URL: every attempt asks about its webhook's URL, and a few URLs take most attempts.
const parsedUrl = memoizeBounded(1024, (url): ParsedUrl => {
  const problem = checkUrlShape(url);
  return { problem, host: problem ? "" : new URL(url).hostname.replace(/^\[(.*)\]$/, "$1") };
});

function checkAddresses(host: string, addresses: string[], opts: GuardOptions): ResolveResult {
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
