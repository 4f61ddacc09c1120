import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { WebhookForm } from "@/components/webhooks/webhook-form";

export const metadata: Metadata = { title: "Create webhook" };

export default function NewWebhookPage() {
  return (
    <>
      <Link href="/webhooks" className="mb-3 inline-block rounded text-sm text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600">
        ← Webhooks
      </Link>
      <PageHeader title="Create webhook" description="Hookrelay signs every delivery, retries failures on the webhook's retry policy and keeps what it could not deliver for replay." />
      <WebhookForm />
    </>
  );
}
