import { WebhookList } from "@/components/webhooks/webhook-list";

export default function PortalHomePage() {
  return <WebhookList />;
}
