import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import Image from "next/image";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { authOptions, currentSessionUser } from "@/lib/auth/session";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  // Per request: the session cookie decides, and the auth secret exists only at run time.
  await connection();
  // A session whose user was removed, or whose account is disabled, signs in again here.
  const session = await getServerSession(authOptions());
  const user = await currentSessionUser((session?.user as { id?: string } | undefined)?.id);
  if (user && !user.accountDisabled) redirect("/webhooks");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <Image src="/logo.svg" alt="Hookrelay" width={186} height={48} unoptimized priority className="mb-8 h-10 w-auto" />
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
        <p className="mt-1 text-sm text-slate-500">Manage webhooks, deliveries and integrations.</p>
        <Suspense>
          <SignInForm />
        </Suspense>
      </div>
    </main>
  );
}
