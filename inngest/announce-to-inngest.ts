// The Inngest side of lib/engine/announce.ts: announcements become the typed events of
// inngest/client.ts, sent with the client. The start script connects it (scripts/start.ts),
// so lib/ never imports the client.
import { deliveryRequested, inboundReceived, inngest } from "@/inngest/client";
import { connectAnnouncementSender, type Announcement, type AnnouncementSender } from "@/lib/engine/announce";

function toInngestEvent(a: Announcement) {
  const options = a.dedupeId ? { id: a.dedupeId } : undefined;
  return a.kind === "delivery"
    ? deliveryRequested.create({ delivery_id: a.deliveryId, webhook_id: a.webhookId }, options)
    : inboundReceived.create({ inbound_event_id: a.inboundEventId, integration_id: a.integrationId }, options);
}

/** Sends a batch of announcements to Inngest in one request. */
export const sendToInngest: AnnouncementSender = (batch) => inngest.send(batch.map(toInngestEvent));

/** Announcements in this process go to Inngest from now on. */
export function announceToInngest(): void {
  connectAnnouncementSender(sendToInngest);
}
