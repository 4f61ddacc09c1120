import type { Integration } from "@/components/api-types";

/** The absolute URL the outside system posts to (the API gives a path). */
export function receiveUrl(integration: Integration): string {
  const path = integration.receive_url ?? `/v1/integrations/webhooks/${encodeURIComponent(integration.source_system)}/${encodeURIComponent(integration.user_id)}`;
  if (/^https?:\/\//.test(path) || typeof window === "undefined") return path;
  return `${window.location.origin}${path}`;
}
