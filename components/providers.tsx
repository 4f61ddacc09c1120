"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import { useState, type ReactNode } from "react";
import { AccountProvider, type SignedInUser } from "@/components/account-context";
import { ApiClientError } from "@/components/api-client";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 1_000,
        refetchOnWindowFocus: true,
        // A 4xx will not change by asking again; a network blip or a 503 may.
        retry: (count, error) => count < 2 && !(error instanceof ApiClientError && error.status >= 400 && error.status < 500),
      },
    },
  });
}

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
