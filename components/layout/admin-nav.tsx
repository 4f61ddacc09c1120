"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useAccount } from "@/components/account-context";
import { cn } from "@/components/ui/cn";

const links = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/events", label: "Events" },
  { href: "/integrations", label: "Integrations" },
  { href: "/api-keys", label: "API keys" },
];

/** Operators only: members never see the link (and the pages answer them with a 404). */
const adminLinks = [{ href: "/accounts", label: "Accounts" }];

export function AdminNav() {
  const pathname = usePathname();
  const { user } = useAccount();
  const shown = user.role === "admin" ? [...links, ...adminLinks] : links;
  return (
    <nav aria-label="Main" className="-mx-1 flex gap-0.5 overflow-x-auto sm:gap-1">
      {shown.map((l) => {
        const current = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium sm:px-3 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-400",
              current ? "bg-slate-800 text-white" : "text-slate-300 hover:bg-slate-800/60 hover:text-white",
            )}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
