import type { Metadata } from "next";
import { ManageOnly } from "@/components/portal/portal-provider";
import { EditWebhook } from "@/components/webhooks/edit-webhook";

export const metadata: Metadata = { title: "Edit webhook" };

export default async function PortalEditWebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <ManageOnly>
      <EditWebhook id={id} />
    </ManageOnly>
  );
}
