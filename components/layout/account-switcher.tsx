"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId } from "react";
import { useAccount } from "@/components/account-context";
import { apiData } from "@/components/api-client";
import type { Account } from "@/components/api-types";

/** For admins: which account the UI acts on. Lists accounts with the admin's own credentials. */
export function AccountSwitcher() {
  const { user, accountId, setAccountId } = useAccount();
  const id = useId();
  const accounts = useQuery({ queryKey: ["accounts"], queryFn: ({ signal }) => apiData<Account[]>("/api/accounts", { signal }) });

  // A remembered account that no longer exists (deleted, or a fresh database) falls back to the own one.
  useEffect(() => {
    if (accounts.data && !accounts.data.some((a) => a.id === accountId)) setAccountId(null);
  }, [accounts.data, accountId, setAccountId]);

  const options: Pick<Account, "id" | "name">[] = accounts.data ?? [{ id: user.accountId, name: "Your account" }];
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-xs font-medium uppercase tracking-wide text-slate-400">
        Account
      </label>
      <select
        id={id}
        value={accountId}
        onChange={(e) => setAccountId(e.target.value)}
        disabled={accounts.isPending}
        className="h-8 max-w-52 rounded-md border-0 bg-slate-800 pl-2.5 pr-8 text-sm text-white ring-1 ring-inset ring-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
      >
        {options.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
            {a.id === user.accountId ? " (yours)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}
