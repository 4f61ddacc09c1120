"use client";
// The merchant portal's client side: its own query cache, and an API scope whose calls carry the
// portal link's token as `Authorization: Portal …` (no cookie: the portal runs in cross-site
// iframes). When the link runs out while open, or the API refuses it, the data goes away and
// the closed page shows instead.
import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiClientError } from "@/components/api-client";
import { ApiScopeProvider, useApiScope, type ApiScope } from "@/components/api-scope";
import { PortalClosed, type PortalClosedReason } from "@/components/portal/portal-closed";
import { makeQueryClient } from "@/components/query-client";

export interface PortalProviderProps {
  token: string;
  accountId: string;
  capability: "view" | "manage";
  expiresAt: string;
  children: ReactNode;
}

/** setTimeout's longest delay (~24.8 days); portal links last 7 days at most. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function PortalProvider({ token, accountId, capability, expiresAt, children }: PortalProviderProps) {
  const [queryClient] = useState(makeQueryClient);
  const [closed, setClosed] = useState<PortalClosedReason | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setClosed("expired"), Math.min(Math.max(Date.parse(expiresAt) - Date.now(), 0), MAX_TIMEOUT_MS));
    return () => clearTimeout(timer);
  }, [expiresAt]);

  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        const error = event.type === "updated" && event.action.type === "error" ? event.action.error : null;
        if (error instanceof ApiClientError && error.status === 401) setClosed(/expired/i.test(error.message) ? "expired" : "invalid");
      }),
    [queryClient],
  );

  useEffect(() => {
    if (closed) queryClient.clear();
  }, [closed, queryClient]);

  const scope = useMemo<ApiScope>(
    () => ({ accountId, headers: { authorization: `Portal ${token}` }, basePath: `/portal/${token}`, canManage: capability === "manage", portal: true }),
    [accountId, token, capability],
  );
  if (closed) return <PortalClosed reason={closed} />;
  return (
    <QueryClientProvider client={queryClient}>
      <ApiScopeProvider value={scope}>{children}</ApiScopeProvider>
    </QueryClientProvider>
  );
}

/** The page's content for manage links only; a view link gets a short note instead. */
export function ManageOnly({ children }: { children: ReactNode }) {
  if (useApiScope().canManage) return <>{children}</>;
  return (
    <p role="alert" className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600">
      This portal link can only view webhooks. Ask for a link that can manage them to make changes.
    </p>
  );
}
