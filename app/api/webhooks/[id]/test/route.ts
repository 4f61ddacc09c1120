import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { sendTestEvent, sendTestInput } from "@/lib/delivery/send-test";

export const POST = route({ portal: "manage", body: sendTestInput, optionalBody: true }, async ({ account, params, body }) =>
  ok(await sendTestEvent(account.id, params.id, body.event ?? body.type)),
);
