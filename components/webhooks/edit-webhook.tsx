"use client";
import Link from "next/link";
import { useScopedHref } from "@/components/api-scope";
import { PageHeader } from "@/components/ui/page-header";
import { WebhookForm } from "@/components/webhooks/webhook-form";
import { WithWebhook } from "@/components/webhooks/webhook-detail";

export function EditWebhook({ id }: { id: string }) {
  const href = useScopedHref();
  return (
    <WithWebhook id={id}>
      {(webhook) => (
        <>
          <Link href={href(`/webhooks/${id}`)} className="mb-3 inline-block rounded text-sm text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600">
            ← {webhook.name}
          </Link>
          <PageHeader title="Edit webhook" />
          <WebhookForm key={webhook.id} webhook={webhook} />
        </>
      )}
    </WithWebhook>
  );
}
