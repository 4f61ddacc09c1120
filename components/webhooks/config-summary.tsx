import type { ReactNode } from "react";
import type { Webhook } from "@/components/api-types";
import { formatDateTime } from "@/components/format";
import { Card, CardHeader } from "@/components/ui/card";
import { EventChips } from "@/components/webhooks/event-chips";

function Item({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 break-words text-sm text-slate-800">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-400">None</span>;

export function ConfigSummary({ webhook }: { webhook: Webhook }) {
  const policy = Array.isArray(webhook.retry_policy) ? `custom: ${webhook.retry_policy.map((s) => `${s} s`).join(", ")}` : webhook.retry_policy;
  const filters = Object.entries(webhook.filters ?? {});
  const headers = Object.entries(webhook.headers ?? {});
  return (
    <Card>
      <CardHeader title="Configuration" />
      <dl className="grid grid-cols-1 gap-x-6 gap-y-4 p-4 sm:grid-cols-2 sm:p-5">
        <Item label="URL" wide>
          <span className="font-mono text-xs">{webhook.url}</span>
        </Item>
        <Item label="Events" wide>
          <EventChips events={webhook.events} max={12} />
        </Item>
        {webhook.description && (
          <Item label="Description" wide>
            {webhook.description}
          </Item>
        )}
        <Item label="Signature profile">{webhook.signature_profile}</Item>
        <Item label="Retry policy">{policy}</Item>
        <Item label="Timeout">{webhook.timeout_ms} ms</Item>
        <Item label="Rate limit">{webhook.rate_limit_per_hour ? `${webhook.rate_limit_per_hour} per hour` : none}</Item>
        <Item label="Filters">
          {filters.length ? (
            <span className="font-mono text-xs">{filters.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ")}</span>
          ) : (
            none
          )}
        </Item>
        <Item label="IP allow-list">{webhook.ip_whitelist.length ? <span className="font-mono text-xs">{webhook.ip_whitelist.join(", ")}</span> : none}</Item>
        <Item label="Custom headers">{headers.length ? <span className="font-mono text-xs">{headers.map(([k]) => k).join(", ")}</span> : none}</Item>
        <Item label="Ordering keys">{webhook.ordering === "halt" ? "A dead delivery halts its key until replayed" : "A dead delivery is skipped"}</Item>
        <Item label="Debug mode">{webhook.debug_mode ? "On: full bodies are kept" : "Off"}</Item>
        <Item label="Created">{formatDateTime(webhook.created_at)}</Item>
        <Item label="Updated">{formatDateTime(webhook.updated_at)}</Item>
      </dl>
    </Card>
  );
}
