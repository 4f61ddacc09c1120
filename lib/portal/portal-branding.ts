// How an account's merchant portal looks: `portal_branding` as stored, each field read through
// the API's own rule (lib/accounts/portal-branding.ts) so that only a hex colour and an http(s)
// logo URL reach the page, with the account's name as the fallback.
import { brandingFields } from "@/lib/accounts/portal-branding";

export interface PortalBranding {
  displayName: string;
  /** `#rrggbb`, or null for the default accent. */
  accentColor: string | null;
  logoUrl: string | null;
}

export function portalBranding(account: { name: string; portalBranding: unknown }): PortalBranding {
  const stored = (typeof account.portalBranding === "object" && account.portalBranding) || {};
  const field = (key: keyof typeof brandingFields): string | null => {
    const parsed = brandingFields[key].safeParse((stored as Record<string, unknown>)[key]);
    return parsed.success ? parsed.data : null;
  };
  return { displayName: field("display_name") ?? account.name, accentColor: field("accent_color"), logoUrl: field("logo_url") };
}
