"use client";
// The operators' account and user calls. They name the account in the path, so they go out
// without the account switcher's header (an account being deleted may be the one switched to),
// and their cache lives under ["accounts"], which the account switcher reads too.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiData, apiRequest, type ApiClientError } from "@/components/api-client";
import type { AccountSummary, AccountUser, Account } from "@/components/api-types";

export const accountsKey = ["accounts"] as const;

export function useAccountList() {
  return useQuery<AccountSummary[], ApiClientError>({
    queryKey: accountsKey,
    queryFn: ({ signal }) => apiData<AccountSummary[]>("/api/accounts", { signal }),
    refetchInterval: 30_000,
  });
}

export function useAccountDetail(id: string) {
  return useQuery<Account, ApiClientError>({
    queryKey: [...accountsKey, id],
    queryFn: ({ signal }) => apiData<Account>(`/api/accounts/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useAccountUsers(id: string) {
  return useQuery<AccountUser[], ApiClientError>({
    queryKey: [...accountsKey, id, "users"],
    queryFn: ({ signal }) => apiData<AccountUser[]>(`/api/accounts/${encodeURIComponent(id)}/users`, { signal }),
  });
}

type Method = "POST" | "PATCH" | "DELETE";

/** A call that changes accounts or users, then refreshes everything under ["accounts"]. */
export function useOperatorMutation<V, R = unknown>(request: (vars: V) => { method: Method; path: string; body?: unknown }) {
  const queryClient = useQueryClient();
  return useMutation<R, ApiClientError, V>({
    mutationFn: async (vars) => {
      const { method, path, body } = request(vars);
      if (method === "DELETE") return (await apiRequest<null>(path, { method })) as R;
      return apiData<R>(path, { method, body });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountsKey }),
  });
}
