// Response headers every page and API answer carries (next.config.ts applies them to what
// Next.js serves; the custom server's direct routes add them itself).
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // Only directives that cannot break Next's inline bootstrap scripts or styles (no script-src /
  // style-src, which would need per-request nonces): no framing, no <base> or form hijacking,
  // no plugins.
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
];
