"use client";
import Link from "next/link";
import { useScopedHref } from "@/components/api-scope";
import { PageHeader } from "@/components/ui/page-header";
import { WebhookForm } from "@/components/webhooks/webhook-form";

/** The create page's content, for the operator app and the merchant portal. */
export function NewWebhook() {
  const href = useScopedHref();
  return (
    <>
      <Link href={href("/webhooks")} className="mb-3 inline-block rounded text-sm text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600">
        ← Webhooks
      </Link>
      <PageHeader title="Create webhook" description="Hookrelay signs every delivery, retries failures on the webhook's retry policy and keeps what it could not deliver for replay." />
      <WebhookForm />
    </>
  );
}
