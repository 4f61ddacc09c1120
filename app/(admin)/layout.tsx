import { getServerSession } from "next-auth";
import Image from "next/image";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { authOptions, currentSessionUser } from "@/lib/auth/session";
import type { SignedInUser } from "@/components/account-context";
import { AccountDisabledNotice } from "@/components/layout/account-disabled-notice";
import { AccountSwitcher } from "@/components/layout/account-switcher";
import { AdminNav } from "@/components/layout/admin-nav";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { Providers } from "@/components/providers";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Per request: the session cookie decides, and the auth secret exists only at run time.
  await connection();
  const session = await getServerSession(authOptions());
  // The role and account as stored now: an operator may have changed them, removed the user or disabled the account.
  const stored = await currentSessionUser((session?.user as { id?: string } | undefined)?.id);
  if (!session || !stored) redirect("/sign-in");
  if (stored.accountDisabled) return <AccountDisabledNotice email={stored.email} />;
  const user: SignedInUser = { id: stored.id, email: stored.email, role: stored.role, accountId: stored.accountId };

  return (
    <Providers session={session} user={user}>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:text-slate-900"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 bg-slate-900 text-white shadow">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2.5 sm:px-6">
          <Link href="/dashboard" className="flex items-center gap-2 rounded font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-indigo-400">
            <Image src="/icon.svg" alt="" width={28} height={28} unoptimized className="size-7" />
            Hookrelay
          </Link>
          <div className="order-last w-full md:order-none md:w-auto">
            <AdminNav />
          </div>
          <div className="ml-auto flex flex-wrap items-center justify-end gap-3">
            {user.role === "admin" && <AccountSwitcher />}
            <span className="hidden max-w-48 truncate text-sm text-slate-300 lg:inline" title={user.email}>
              {user.email}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8">
        {children}
      </main>
    </Providers>
  );
}
