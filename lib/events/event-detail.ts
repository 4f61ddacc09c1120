// One event with the deliveries it fanned out to, looked up by its id or the publisher's id.
import { db } from "@/lib/db/client";
import { toDeliveryJson } from "@/lib/delivery/delivery-log";
import type { Delivery, Event } from "@/lib/generated/prisma/client";
import { toEventJson } from "@/lib/events/publish";
import { notFound } from "@/lib/http/errors";

export async function getEventWithDeliveries(accountId: string, id: string) {
  const event = await db().event.findFirst({
    where: { accountId, OR: [{ id }, { externalId: id }] },
    include: { deliveries: { orderBy: { id: "asc" } } },
  });
  if (!event) throw notFound("event");
  return event;
}

export function toEventDetailJson({ deliveries, ...event }: Event & { deliveries: Delivery[] }) {
  return { ...toEventJson(event), deliveries: deliveries.map((d) => toDeliveryJson({ ...d, event })) };
}

export type EventDetailJson = ReturnType<typeof toEventDetailJson>;
