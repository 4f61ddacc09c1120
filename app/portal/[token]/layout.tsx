// The merchant portal, opened from a portal link (lib/portal): one account's webhooks and events,
// in the account's branding, with no operator navigation. An expired or invalid link renders only
// the closed page, and none of the pages below it.
import type { Metadata } from "next";
import { connection } from "next/server";
import type { CSSProperties, ReactNode } from "react";
import { PortalClosed } from "@/components/portal/portal-closed";
import { PortalProvider } from "@/components/portal/portal-provider";
import { PortalHeader } from "@/components/portal/portal-header";
import { portalBranding } from "@/lib/portal/portal-branding";
import { openPortalToken } from "@/lib/portal/portal-links";

export const metadata: Metadata = { title: { default: "Webhooks", template: "%s · Webhooks" }, robots: { index: false, follow: false }, referrer: "no-referrer" };

/** The accent replaces the indigo the shared components use for primary actions and focus. */
function accentStyle(accent: string | null): CSSProperties | undefined {
  if (!accent) return undefined;
  return {
    "--color-indigo-600": accent,
    "--color-indigo-500": `color-mix(in srgb, ${accent} 85%, white)`,
    "--color-indigo-700": `color-mix(in srgb, ${accent} 85%, black)`,
    "--color-indigo-400": `color-mix(in srgb, ${accent} 70%, white)`,
  } as CSSProperties;
}

export default async function PortalLayout({ children, params }: { children: ReactNode; params: Promise<{ token: string }> }) {
  // Per request: the link's expiry and its account's state decide.
  await connection();
  const { token } = await params;
  const opened = await openPortalToken(token);
  if (!opened.ok) return <PortalClosed reason={opened.reason} />;
  const branding = portalBranding(opened.account);
  return (
    <div style={accentStyle(branding.accentColor)} className="min-h-screen">
      <PortalHeader branding={branding} capability={opened.claims.capability} basePath={`/portal/${token}`} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8">
        <PortalProvider token={token} accountId={opened.account.id} capability={opened.claims.capability} expiresAt={opened.claims.expiresAt.toISOString()}>
          {children}
        </PortalProvider>
      </main>
    </div>
  );
}
