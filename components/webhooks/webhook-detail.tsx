"use client";
import Link from "next/link";
import { useState } from "react";
import { useApiScope, useScopedHref } from "@/components/api-scope";
import type { Webhook, WebhookHealth } from "@/components/api-types";
import { useApiQuery } from "@/components/use-api";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs } from "@/components/ui/tabs";
import { CheckEndpoint } from "@/components/webhooks/check-endpoint";
import { ConfigSummary } from "@/components/webhooks/config-summary";
import { DeadLetters } from "@/components/webhooks/dead-letters";
import { DeliveriesTable } from "@/components/webhooks/deliveries-table";
import { DeliveryLog } from "@/components/webhooks/delivery-log";
import { SendTest } from "@/components/webhooks/send-test";
import { WebhookActions } from "@/components/webhooks/webhook-actions";
import { WebhookStats } from "@/components/webhooks/webhook-stats";
import { WebhookStatusBadge } from "@/components/webhooks/webhook-status-badge";

export function WebhookNotFound() {
  const href = useScopedHref();
  return (
    <Card>
      <EmptyState
        title="Webhook not found"
        description="It may have been deleted, or it belongs to another account."
        action={
          <ButtonLink href={href("/webhooks")} variant="primary">
            Back to webhooks
          </ButtonLink>
        }
      />
    </Card>
  );
}

/** Loads the webhook; renders the children with it, or the loading / not-found / error state. */
export function WithWebhook({ id, children }: { id: string; children: (webhook: Webhook) => React.ReactNode }) {
  const webhook = useApiQuery<Webhook>(`/api/webhooks/${id}`, { refetchInterval: 5_000 });
  if (webhook.isPending) return <DetailSkeleton />;
  if (webhook.isError) {
    if (webhook.error.status === 404) return <WebhookNotFound />;
    return (
      <Card>
        <ErrorState error={webhook.error} onRetry={() => webhook.refetch()} title="Could not load the webhook" />
      </Card>
    );
  }
  return <>{children(webhook.data)}</>;
}

function DetailSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading webhook" className="flex flex-col gap-6">
      <div className="flex flex-col gap-2">
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-4 w-80" />
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-5">
        <Skeleton className="h-64 lg:col-span-3" />
        <Skeleton className="h-64 lg:col-span-2" />
      </div>
      <Skeleton className="h-96" />
    </div>
  );
}

export function WebhookDetail({ id }: { id: string }) {
  const [tab, setTab] = useState("log");
  const health = useApiQuery<WebhookHealth[]>("/api/stats/webhooks", { refetchInterval: 5_000 });
  const h = health.data?.find((x) => x.webhook_id === id);
  const { canManage } = useApiScope();
  const href = useScopedHref();
  return (
    <WithWebhook id={id}>
      {(webhook) => (
        <div className="flex flex-col gap-6">
          <header className="flex flex-col gap-4">
            <Link href={href("/webhooks")} className="w-fit rounded text-sm text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600">
              ← Webhooks
            </Link>
            <div className="flex flex-wrap items-start justify-between gap-4">
              <div className="min-w-0">
                <div className="flex flex-wrap items-center gap-3">
                  <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{webhook.name}</h1>
                  <WebhookStatusBadge isActive={webhook.is_active} disabledReason={webhook.disabled_reason} failingSince={webhook.failing_since} failingStreak={h?.failing_streak} />
                </div>
                <p className="mt-1 break-all font-mono text-xs text-slate-500">{webhook.url}</p>
              </div>
              {canManage && <WebhookActions webhook={webhook} />}
            </div>
          </header>

          <div className="grid grid-cols-1 gap-6 lg:grid-cols-5">
            <div className={canManage ? "lg:col-span-3" : "lg:col-span-5"}>
              <ConfigSummary webhook={webhook} />
            </div>
            {canManage && (
              <div className="flex flex-col gap-6 lg:col-span-2">
                <SendTest webhook={webhook} />
                <CheckEndpoint webhook={webhook} />
              </div>
            )}
          </div>

          <Card>
            <Tabs
              label="Deliveries"
              selected={tab}
              onSelect={setTab}
              items={[
                { id: "log", label: "Delivery log", content: <DeliveryLog webhookId={webhook.id} /> },
                { id: "deliveries", label: "Deliveries", content: <DeliveriesTable webhookId={webhook.id} /> },
                {
                  id: "dead",
                  label: (
                    <>
                      Dead letters
                      {h && h.dead_letters > 0 && <span className="ml-1.5 rounded-full bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-700">{h.dead_letters}</span>}
                    </>
                  ),
                  content: <DeadLetters webhookId={webhook.id} />,
                },
              ]}
            />
          </Card>

          <WebhookStats webhookId={webhook.id} />
        </div>
      )}
    </WithWebhook>
  );
}
