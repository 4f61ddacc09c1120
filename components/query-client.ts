import { QueryClient } from "@tanstack/react-query";
import { ApiClientError } from "@/components/api-client";

/** The browser's query cache, for the operator app and the merchant portal alike. */
export function makeQueryClient() {
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
