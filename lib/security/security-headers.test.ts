/// <reference types="vite/client" />
// Issue 7: every page and every API response carries the security headers. Next.js applies
// `headers()` from next.config.ts in its server, so the test reads that output and matches its
// `source` patterns with Next's own path matcher against every page and route in app/.
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { proxy, config as proxyConfig } from "@/proxy";
import { config as appConfig, resetConfig } from "@/lib/config";
import { PORTAL_PATH } from "@/lib/http/security-headers";
import { routeFiles } from "@/test/api";

const { pathToRegexp } = createRequire(import.meta.url)("next/dist/compiled/path-to-regexp") as { pathToRegexp: (source: string) => RegExp };

interface HeaderRule {
  source: string;
  headers: { key: string; value: string }[];
  has?: unknown;
  missing?: unknown;
}

/** Every page of app/ as a URL path: route groups dropped, `[id]` filled in. */
const pages = Object.keys(import.meta.glob("/app/**/page.tsx")).map(
  (file) =>
    file
      .replace(/^\/app/, "")
      .replace(/\/page\.tsx$/, "")
      .split("/")
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((s) => s.replace(/^\[.*\]$/, "wh_01example"))
      .join("/") || "/",
);
const portalPages = pages.filter((p) => PORTAL_PATH.test(p));
const appPages = pages.filter((p) => !PORTAL_PATH.test(p));
const apiPaths = routeFiles.map((r) => r.template.replace(/\{\w+\}/g, "x1"));

async function headersFor(path: string): Promise<Record<string, string>> {
  const rules = ((await nextConfig.headers?.()) ?? []) as HeaderRule[];
  const applied: Record<string, string> = {};
  for (const rule of rules) {
    // A conditional rule does not guarantee the header; only unconditional ones count.
    if (rule.has || rule.missing || !pathToRegexp(rule.source).test(path)) continue;
    for (const { key, value } of rule.headers) applied[key.toLowerCase()] = value;
  }
  return applied;
}

describe("security headers (next.config.ts)", () => {
  it("the page and route lists are not empty", () => {
    expect(pages).toEqual(expect.arrayContaining(["/", "/sign-in", "/webhooks", "/webhooks/wh_01example"]));
    expect(apiPaths).toEqual(expect.arrayContaining(["/api/webhooks", "/v1/integrations/webhooks/x1/x1"]));
  });

  it.each([...appPages, ...apiPaths])("%s gets nosniff, DENY framing, a referrer policy and a CSP", async (path) => {
    const headers = await headersFor(path);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("form-action 'self'");
  });

  it("the CSP does not restrict scripts or styles, which would break Next's inline bootstrap without nonces", async () => {
    const csp = (await headersFor("/webhooks"))["content-security-policy"];
    expect(csp).not.toMatch(/(^|;)\s*(default-src|script-src|style-src)\b/);
  });

  it("does not advertise the framework", () => {
    expect(nextConfig.poweredByHeader).toBe(false);
  });
});

describe("security headers of the merchant portal (proxy.ts)", () => {
  afterEach(() => {
    delete process.env.PORTAL_FRAME_ANCESTORS;
    resetConfig();
  });

  function portalHeaders(ancestors?: string): Record<string, string> {
    if (ancestors === undefined) delete process.env.PORTAL_FRAME_ANCESTORS;
    else process.env.PORTAL_FRAME_ANCESTORS = ancestors;
    resetConfig();
    return Object.fromEntries([...proxy().headers].filter(([k]) => !k.startsWith("x-middleware")));
  }

  it("the portal's pages exist, and next.config.ts leaves them to the proxy, whose matcher covers them all", async () => {
    expect(portalPages.length).toBeGreaterThan(0);
    const matchers = proxyConfig.matcher.map((m) => pathToRegexp(m));
    for (const path of [...portalPages, "/portal", "/portal/v1.x.y/webhooks/wh_1/edit"]) {
      expect(await headersFor(path), path).toEqual({});
      expect(matchers.some((m) => m.test(path)), path).toBe(true);
    }
    for (const path of ["/portals", "/webhooks", "/api/portal-links"]) {
      expect(matchers.some((m) => m.test(path)), path).toBe(false);
      expect((await headersFor(path))["x-frame-options"], path).toBe("DENY");
    }
  });

  it("without PORTAL_FRAME_ANCESTORS only our own pages may frame the portal", () => {
    const headers = portalHeaders();
    expect(headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(headers["content-security-policy"]).toMatch(/^frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'$/);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
  });

  it("PORTAL_FRAME_ANCESTORS names the sites that may frame it, and drops X-Frame-Options", () => {
    const headers = portalHeaders("https://shop.example.com  http://localhost:4107/ https://*.partner.example");
    expect(headers["x-frame-options"]).toBeUndefined();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'self' https://shop.example.com http://localhost:4107 https://*.partner.example;");
    expect(headers["content-security-policy"]).toContain("object-src 'none'");
  });

  it.each(["shop.example.com", "https://a.example; script-src *", "'unsafe-inline'", "https://a.example/path", "*", "javascript:alert(1)"])(
    "refuses %j in PORTAL_FRAME_ANCESTORS at start rather than send a header it did not mean",
    (value) => {
      process.env.PORTAL_FRAME_ANCESTORS = value;
      resetConfig();
      expect(() => appConfig()).toThrow(/PORTAL_FRAME_ANCESTORS/);
    },
  );
});
