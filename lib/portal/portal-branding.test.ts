import { describe, expect, it } from "vitest";
import { portalBranding } from "@/lib/portal/portal-branding";

describe("portalBranding", () => {
  it("uses the stored display name, accent colour and logo", () => {
    expect(portalBranding({ name: "Acme", portalBranding: { display_name: "Acme Shop", accent_color: "#0F766E", logo_url: "https://cdn.example.com/logo.png" } })).toEqual({
      displayName: "Acme Shop",
      accentColor: "#0f766e",
      logoUrl: "https://cdn.example.com/logo.png",
    });
  });

  it("falls back to the account's name and the default look without branding", () => {
    expect(portalBranding({ name: "Acme", portalBranding: null })).toEqual({ displayName: "Acme", accentColor: null, logoUrl: null });
    expect(portalBranding({ name: "Acme", portalBranding: { display_name: "  " } }).displayName).toBe("Acme");
  });

  it("drops a colour that is not hex and a logo that is not an http(s) URL, keeping the rest", () => {
    const b = portalBranding({ name: "Acme", portalBranding: { display_name: "Shop", accent_color: "red; background: url(x)", logo_url: "javascript:alert(1)" } });
    expect(b).toEqual({ displayName: "Shop", accentColor: null, logoUrl: null });
    expect(portalBranding({ name: "Acme", portalBranding: "not an object" })).toEqual({ displayName: "Acme", accentColor: null, logoUrl: null });
  });
});
