import type { Metadata } from "next";
import { ManageOnly } from "@/components/portal/portal-provider";
import { NewWebhook } from "@/components/webhooks/new-webhook";

export const metadata: Metadata = { title: "Create webhook" };

export default function PortalNewWebhookPage() {
  return (
    <ManageOnly>
      <NewWebhook />
    </ManageOnly>
  );
}
