"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import { useState, type ReactNode } from "react";
import { AccountProvider, type SignedInUser } from "@/components/account-context";
import { makeQueryClient } from "@/components/query-client";

export function Providers({ session, user, children }: { session: Session; user: SignedInUser; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <SessionProvider session={session} refetchOnWindowFocus={false}>
      <QueryClientProvider client={queryClient}>
        <AccountProvider user={user}>{children}</AccountProvider>
      </QueryClientProvider>
    </SessionProvider>
  );
}
