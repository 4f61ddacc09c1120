// The portal's header: the merchant's logo and name in its accent colour, what the link may do,
// and the portal's own sections. No navigation to operator pages, no account switcher, no sign-out.
import type { PortalBranding } from "@/lib/portal/portal-branding";
import { PortalNav } from "@/components/portal/portal-nav";
import { Badge } from "@/components/ui/badge";

export function PortalHeader({ branding, capability, basePath }: { branding: PortalBranding; capability: "view" | "manage"; basePath: string }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div aria-hidden className="h-1 bg-indigo-600" />
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-3 sm:px-6">
        {branding.logoUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- a merchant's logo on any host; next/image would need each host configured
          <img src={branding.logoUrl} alt={`${branding.displayName} logo`} className="h-8 w-auto max-w-40 object-contain" referrerPolicy="no-referrer" />
        ) : (
          <span aria-hidden className="flex size-8 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">
            {branding.displayName.slice(0, 1).toUpperCase()}
          </span>
        )}
        <div className="min-w-0">
          <p className="truncate font-semibold tracking-tight text-slate-900">{branding.displayName}</p>
          <p className="text-xs text-slate-500">Webhook delivery portal</p>
        </div>
        <div className="ml-auto">
          <Badge tone={capability === "manage" ? "indigo" : "slate"}>{capability === "manage" ? "Can manage" : "View only"}</Badge>
        </div>
      </div>
      <div className="mx-auto max-w-7xl px-4 sm:px-6">
        <PortalNav basePath={basePath} />
      </div>
    </header>
  );
}
