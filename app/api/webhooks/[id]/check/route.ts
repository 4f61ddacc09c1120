import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { checkEndpoint, checkEndpointInput } from "@/lib/delivery/endpoint-check";

export const POST = route({ portal: "manage", body: checkEndpointInput, optionalBody: true }, async ({ account, params, body }) => ok(await checkEndpoint(account.id, params.id, body.event)));
