// Runs before the merchant portal's pages (and nothing else): their framing rules come from
// PORTAL_FRAME_ANCESTORS at run time, which next.config.ts's build-time headers cannot read.
import { NextResponse } from "next/server";
import { config as appConfig } from "@/lib/config";
import { portalSecurityHeaders } from "@/lib/http/security-headers";

export function proxy() {
  const response = NextResponse.next();
  for (const { key, value } of portalSecurityHeaders(appConfig().portalFrameAncestors)) response.headers.set(key, value);
  return response;
}

export const config = { matcher: ["/portal", "/portal/:path*"] };
