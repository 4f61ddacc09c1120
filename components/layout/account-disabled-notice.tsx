"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { SignOutButton } from "@/components/layout/sign-out-button";

/** What a signed-in user of a disabled account sees instead of the app. */
export function AccountDisabledNotice({ email }: { email: string }) {
  // SignOutButton clears the query cache, so it needs a client even here.
  const [client] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={client}>
      <main className="flex min-h-screen items-center justify-center px-4">
        <div role="alert" className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">This account is disabled</h1>
          <p className="mt-2 text-sm text-slate-500">
            An operator has disabled the account of <strong className="font-medium text-slate-700">{email}</strong>. Ask them to enable it again.
          </p>
          <div className="mt-5 inline-flex rounded-md bg-slate-900 p-1.5">
            <SignOutButton />
          </div>
        </div>
      </main>
    </QueryClientProvider>
  );
}
