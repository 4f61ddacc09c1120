import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { getEventDetail, toEventDetailJson } from "@/lib/events/event-detail";

export const GET = route({ portal: "view" }, async ({ account, params }) => ok(toEventDetailJson(await getEventDetail(account.id, params.id))));
