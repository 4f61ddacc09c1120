// How a merchant's portal looks: a display name, an accent colour and a logo. Stored on the
// account as JSON (accounts.portal_branding) in the API's own snake_case shape.
import { z } from "zod";

/** An http(s) logo: a self-hosted portal may be served over plain http; over https, use an https logo. */
const logoUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && Boolean(url.hostname);
    } catch {
      return false;
    }
  }, "an http:// or https:// URL");

/** Each branding field's rule: the API validates with these, and the portal reads stored values through them. */
export const brandingFields = {
  display_name: z.string().trim().min(1, "leave display_name out or null rather than empty").max(100),
  accent_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "a colour as #rrggbb")
    .transform((c) => c.toLowerCase()),
  logo_url: logoUrl,
};

export const portalBrandingInput = z
  .strictObject({
    display_name: brandingFields.display_name.nullable().optional(),
    accent_color: brandingFields.accent_color.nullable().optional(),
    logo_url: brandingFields.logo_url.nullable().optional(),
  })
  .meta({ id: "PortalBranding" });

export interface PortalBranding {
  display_name: string | null;
  accent_color: string | null;
  logo_url: string | null;
}

/** The stored JSON as the API shows it; anything unexpected in the column reads as no branding. */
export function toPortalBranding(value: unknown): PortalBranding | null {
  const parsed = portalBrandingInput.safeParse(value);
  if (!parsed.success) return null;
  return { display_name: parsed.data.display_name ?? null, accent_color: parsed.data.accent_color ?? null, logo_url: parsed.data.logo_url ?? null };
}
