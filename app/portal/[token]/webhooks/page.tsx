import { WebhookList } from "@/components/webhooks/webhook-list";

export default function PortalWebhooksPage() {
  return <WebhookList />;
}
