import { eventCatalog } from "@/lib/events/catalog";
import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";

export const GET = route({ portal: "view" }, async () => ok(eventCatalog));
