import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { notFound } from "@/lib/http/errors";
import { toEventJson } from "@/lib/events/publish";
import { toDeliveryJson } from "@/lib/delivery/delivery-log";

export const GET = route({ portal: "view" }, async ({ account, params }) => {
  const event = await db().event.findFirst({
    where: { accountId: account.id, OR: [{ id: params.id }, { externalId: params.id }] },
    include: { deliveries: { orderBy: { id: "asc" } } },
  });
  if (!event) throw notFound("event");
  const { deliveries, ...rest } = event;
  return ok({ ...toEventJson(rest), deliveries: deliveries.map((d) => toDeliveryJson({ ...d, event: rest })) });
});
