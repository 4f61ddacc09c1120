"use client";
// The portal's own navigation: its webhooks and its events, both inside the link's path. The
// operator's pages (dashboard, integrations, API keys, accounts) have no entry here.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const SECTIONS = [
  { path: "/webhooks", label: "Webhooks" },
  { path: "/events", label: "Events" },
];

export function PortalNav({ basePath }: { basePath: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Portal" className="-mb-px flex gap-1">
      {SECTIONS.map((s) => {
        const href = `${basePath}${s.path}`;
        // The link's own root is its webhook list.
        const current = pathname === href || pathname.startsWith(`${href}/`) || (s.path === "/webhooks" && pathname === basePath);
        return (
          <Link
            key={s.path}
            href={href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500",
              current ? "border-indigo-600 text-slate-900" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800",
            )}
          >
            {s.label}
          </Link>
        );
      })}
    </nav>
  );
}
