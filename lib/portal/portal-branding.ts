// How an account's merchant portal looks: `portal_branding` as stored, read defensively (only a
// hex colour and an http(s) logo URL reach the page), with the account's name as the fallback.
import { z } from "zod";

export interface PortalBranding {
  displayName: string;
  /** `#rgb` or `#rrggbb`, or null for the default accent. */
  accentColor: string | null;
  logoUrl: string | null;
}

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

const stored = z.object({
  display_name: z.string().trim().min(1).max(100).nullish().catch(null),
  accent_color: z.string().regex(HEX_COLOR).nullish().catch(null),
  logo_url: z
    .string()
    .max(2000)
    .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u))
    .nullish()
    .catch(null),
});

export function portalBranding(account: { name: string; portalBranding: unknown }): PortalBranding {
  const parsed = stored.safeParse(account.portalBranding ?? {});
  const b = parsed.success ? parsed.data : {};
  return { displayName: b.display_name ?? account.name, accentColor: b.accent_color ?? null, logoUrl: b.logo_url ?? null };
}
