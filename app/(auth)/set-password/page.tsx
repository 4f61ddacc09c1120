import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { findPasswordLinkUser } from "@/lib/auth/password-tokens";
import { SetPasswordForm } from "@/components/auth/set-password-form";

export const metadata: Metadata = { title: "Set your password" };

function Frame({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
        <span aria-hidden className="flex size-8 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">
          H
        </span>
        Hookrelay
      </div>
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
    </main>
  );
}

/** The page a one-time password link opens (lib/auth/password-tokens.ts). */
export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Per request: the link's state lives in the database.
  await connection();
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const user = await findPasswordLinkUser(token);
  if (!user) {
    return (
      <Frame>
        <h1 className="text-xl font-semibold text-slate-900">This link has expired</h1>
        <p className="mt-2 text-sm text-slate-500">
          A password link works once, for 72 hours. This one has expired, was already used, or was replaced by a newer one. Ask your operator for a new link.
        </p>
        <Link href="/sign-in" className="mt-5 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Go to sign in
        </Link>
      </Frame>
    );
  }
  return (
    <Frame>
      <h1 className="text-xl font-semibold text-slate-900">Set your password</h1>
      <p className="mt-1 text-sm text-slate-500">
        For <strong className="font-medium text-slate-700">{user.email}</strong>. You will sign in with it next.
      </p>
      <SetPasswordForm token={token} email={user.email} />
    </Frame>
  );
}
