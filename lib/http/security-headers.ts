// Response headers every page and API answer carries (next.config.ts applies them to what
// Next.js serves; the custom server's direct routes add them itself). The merchant portal's
// pages are the one exception: proxy.ts gives them `portalSecurityHeaders` at run time, so
// PORTAL_FRAME_ANCESTORS can let the sites it names embed them.
const BASE_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

// Only directives that cannot break Next's inline bootstrap scripts or styles (no script-src /
// style-src, which would need per-request nonces): no <base> or form hijacking, no plugins.
const CSP_REST = "base-uri 'self'; form-action 'self'; object-src 'none'";

export const SECURITY_HEADERS = [
  ...BASE_HEADERS,
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Content-Security-Policy", value: `frame-ancestors 'none'; ${CSP_REST}` },
];

/** The paths that get the portal's headers instead: /portal and everything under it. */
export const PORTAL_PATH = /^\/portal(\/|$)/;

/**
 * A portal page may be framed by our own origin and the configured ones, nothing else. With
 * origins configured there is no X-Frame-Options (it cannot name them; CSP decides); its URL
 * holds the link's token, so it sends no referrer.
 */
export function portalSecurityHeaders(frameAncestors: readonly string[]): { key: string; value: string }[] {
  const framing = frameAncestors.length === 0 ? [{ key: "X-Frame-Options", value: "SAMEORIGIN" }] : [];
  return [
    ...BASE_HEADERS.filter((h) => h.key !== "Referrer-Policy"),
    { key: "Referrer-Policy", value: "no-referrer" },
    ...framing,
    { key: "Content-Security-Policy", value: `frame-ancestors ${["'self'", ...frameAncestors].join(" ")}; ${CSP_REST}` },
    { key: "X-Robots-Tag", value: "noindex, nofollow" },
  ];
}
