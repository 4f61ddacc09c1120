// One event in full for the event browser: its payload, each delivery with its webhook's name,
// its last response and its dead letter (to replay it), and the inbound event it came from.
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/http/errors";
import { toDeliveryJson, withBlockers } from "@/lib/delivery/delivery-log";

/** The event by Hookrelay's id or the publisher's, within the account; otherwise not found. */
export async function getEventDetail(accountId: string, id: string) {
  const event = await db().event.findFirst({
    where: { accountId, OR: [{ id }, { externalId: id }] },
    include: {
      deliveries: {
        orderBy: { id: "asc" },
        include: {
          webhook: { select: { name: true, url: true } },
          deadLetter: { select: { id: true, reason: true, failedAt: true, replayedAt: true, replayDeliveryId: true } },
          attemptLog: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { responseCode: true, responseTimeMs: true, errorClass: true, createdAt: true } },
        },
      },
    },
  });
  if (!event) throw notFound("event");
  const deliveries = await withBlockers(event.deliveries);
  const { sourceIntegrationId, sourceInboundEventId } = event;
  const [integration, inbound] =
    sourceIntegrationId && sourceInboundEventId
      ? await Promise.all([
          db().integration.findFirst({ where: { id: sourceIntegrationId, accountId }, select: { name: true, sourceSystem: true } }),
          db().inboundEvent.findFirst({ where: { id: sourceInboundEventId, accountId }, select: { eventType: true, status: true, receivedAt: true } }),
        ])
      : [null, null];
  return { event: { ...event, deliveries }, integration, inbound };
}

type EventDetail = Awaited<ReturnType<typeof getEventDetail>>;

function toSourceJson({ event, integration, inbound }: EventDetail) {
  if (!event.sourceIntegrationId || !event.sourceInboundEventId) return null;
  return {
    integration_id: event.sourceIntegrationId,
    inbound_event_id: event.sourceInboundEventId,
    // Null once the integration is deleted or retention purged the inbound event.
    integration_name: integration ? (integration.name ?? integration.sourceSystem) : null,
    inbound_event: inbound ? { event: inbound.eventType, status: inbound.status, received_at: inbound.receivedAt.toISOString() } : null,
  };
}

export function toEventDetailJson(detail: EventDetail) {
  const { deliveries, ...event } = detail.event;
  return {
    id: event.id,
    external_id: event.externalId,
    type: event.type,
    data: event.data,
    created_at: event.createdAt.toISOString(),
    is_test: event.isTest,
    source: toSourceJson(detail),
    deliveries: deliveries.map(({ webhook, deadLetter, attemptLog, ...d }) => {
      const last = attemptLog[0];
      return {
        ...toDeliveryJson({ ...d, event }),
        webhook_name: webhook.name,
        webhook_url: webhook.url,
        last_response: last ? { code: last.responseCode, response_time_ms: last.responseTimeMs, error: last.errorClass, at: last.createdAt.toISOString() } : null,
        dead_letter: deadLetter
          ? { id: deadLetter.id, reason: deadLetter.reason, failed_at: deadLetter.failedAt.toISOString(), replayed_at: deadLetter.replayedAt?.toISOString() ?? null, replay_delivery_id: deadLetter.replayDeliveryId }
          : null,
      };
    }),
  };
}
export type EventDetailJson = ReturnType<typeof toEventDetailJson>;
