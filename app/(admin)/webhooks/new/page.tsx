import type { Metadata } from "next";
import { NewWebhook } from "@/components/webhooks/new-webhook";

export const metadata: Metadata = { title: "Create webhook" };

export default function NewWebhookPage() {
  return <NewWebhook />;
}
