"use client";
// Where the webhook components send their API calls and links: the operator app (the session
// cookie, the account switcher's header, pages at /webhooks/…) or the merchant portal (the
// portal link's token as `Authorization: Portal …`, pages under /portal/<token>/…). The
// components read it from here, so one set of them serves both.
import { createContext, useContext, useMemo, type ReactNode } from "react";

export interface ApiScope {
  /** The account acted on; also the first part of every query key. */
  accountId: string;
  /** Sent with every API call (the account header, or the portal token). */
  headers: Record<string, string>;
  /** Prefix of the scope's page links: "" in the operator app, `/portal/<token>` in the portal. */
  basePath: string;
  /** Whether the caller may create, change, test and replay (false for a `view` portal link). */
  canManage: boolean;
  /** The merchant portal: no operator pages (integrations, API keys…) to link to. */
  portal: boolean;
}

const ApiScopeContext = createContext<ApiScope | null>(null);

export function ApiScopeProvider({ value, children }: { value: ApiScope; children: ReactNode }) {
  return <ApiScopeContext.Provider value={value}>{children}</ApiScopeContext.Provider>;
}

export function useApiScope(): ApiScope {
  const value = useContext(ApiScopeContext);
  if (!value) throw new Error("useApiScope needs an ApiScopeProvider (AccountProvider or PortalProvider)");
  return value;
}

/** `href("/webhooks/wh_1")` → the page's link in this scope. */
export function useScopedHref() {
  const { basePath } = useApiScope();
  return useMemo(() => (path: string) => `${basePath}${path}`, [basePath]);
}
