"use client";
// TanStack Query bound to the current API scope (components/api-scope.tsx): query keys start
// with the account id, so switching accounts shows that account's data, and every request
// carries the scope's headers (the account header, or a portal link's token).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { useApiScope } from "@/components/api-scope";
import { apiData, apiRequest, type ApiClientError, type ListPage, type RequestOptions } from "@/components/api-client";

export function useApi() {
  const { headers, accountId } = useApiScope();
  const request = useCallback(
    <T,>(path: string, options: Omit<RequestOptions, "accountId" | "headers"> = {}) => apiRequest<T>(path, { ...options, headers }),
    [headers],
  );
  return useMemo(
    () => ({
      accountId,
      request,
      get: <T,>(path: string, signal?: AbortSignal) => apiData<T>(path, { headers, signal }),
      list: <T,>(path: string, signal?: AbortSignal) => apiRequest<ListPage<T>>(path, { headers, signal }),
      post: <T,>(path: string, body?: unknown) => apiData<T>(path, { method: "POST", body: body ?? {}, headers }),
      patch: <T,>(path: string, body: unknown) => apiData<T>(path, { method: "PATCH", body, headers }),
      del: (path: string) => apiRequest<null>(path, { method: "DELETE", headers }),
    }),
    [headers, accountId, request],
  );
}

export interface QueryOptions {
  refetchInterval?: number | false;
  enabled?: boolean;
}

/** GET `path` → `data`, cached per account. */
export function useApiQuery<T>(path: string, options: QueryOptions = {}) {
  const api = useApi();
  return useQuery<T, ApiClientError>({
    queryKey: [api.accountId, path],
    queryFn: ({ signal }) => api.get<T>(path, signal),
    refetchInterval: options.refetchInterval,
    enabled: options.enabled,
  });
}

/** A cursor-paginated list with "Load more". */
export function useApiList<T>(path: string, options: QueryOptions = {}) {
  const api = useApi();
  return useInfiniteQuery<ListPage<T>, ApiClientError, { pages: ListPage<T>[] }, QueryKey, string | null>({
    queryKey: [api.accountId, "list", path],
    initialPageParam: null,
    queryFn: ({ pageParam, signal }) => {
      const url = pageParam ? `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(pageParam)}` : path;
      return api.list<T>(url, signal);
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: options.refetchInterval,
    enabled: options.enabled,
  });
}

/** A mutation that refreshes the account's cached queries when it succeeds. */
export function useApiMutation<V, R>(fn: (api: ReturnType<typeof useApi>, vars: V) => Promise<R>, options: { onSuccess?: (result: R, vars: V) => void } = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<R, ApiClientError, V>({
    mutationFn: (vars) => fn(api, vars),
    onSuccess: async (result, vars) => {
      options.onSuccess?.(result, vars);
      await queryClient.invalidateQueries({ queryKey: [api.accountId] });
    },
  });
}
