"use client";
// The account the UI acts on. Members always act on their own account; an admin (operator) may
// pick another one in the account switcher. The choice is kept per user in localStorage and sent
// with every API call as `x-hookrelay-account`.
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { ApiScopeProvider, type ApiScope } from "@/components/api-scope";
import { ACCOUNT_HEADER } from "@/components/api-client";

export interface SignedInUser {
  id: string;
  email: string;
  role: "admin" | "member";
  accountId: string;
}

interface AccountContextValue {
  user: SignedInUser;
  /** The account acted on. */
  accountId: string;
  /** Sent as the account header; null when it is the user's own account. */
  accountHeader: string | null;
  setAccountId: (id: string | null) => void;
}

const AccountContext = createContext<AccountContextValue | null>(null);

const storageKey = (userId: string) => `hookrelay.account.${userId}`;
const CHANGE_EVENT = "hookrelay:account-change";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

export function AccountProvider({ user, children }: { user: SignedInUser; children: ReactNode }) {
  const stored = useSyncExternalStore(
    subscribe,
    () => (user.role === "admin" ? window.localStorage.getItem(storageKey(user.id)) : null),
    () => null,
  );
  const setAccountId = useCallback(
    (id: string | null) => {
      if (!id || id === user.accountId) window.localStorage.removeItem(storageKey(user.id));
      else window.localStorage.setItem(storageKey(user.id), id);
      window.dispatchEvent(new Event(CHANGE_EVENT));
    },
    [user.id, user.accountId],
  );
  const value = useMemo<AccountContextValue>(() => {
    const accountId = stored ?? user.accountId;
    return { user, accountId, accountHeader: accountId === user.accountId ? null : accountId, setAccountId };
  }, [stored, user, setAccountId]);
  const scope = useMemo<ApiScope>(
    () => ({ accountId: value.accountId, headers: value.accountHeader ? { [ACCOUNT_HEADER]: value.accountHeader } : ({} as Record<string, string>), basePath: "", canManage: true, portal: false }),
    [value.accountId, value.accountHeader],
  );
  return (
    <AccountContext.Provider value={value}>
      <ApiScopeProvider value={scope}>{children}</ApiScopeProvider>
    </AccountContext.Provider>
  );
}

export function useAccount(): AccountContextValue {
  const value = useContext(AccountContext);
  if (!value) throw new Error("useAccount needs an AccountProvider");
  return value;
}
