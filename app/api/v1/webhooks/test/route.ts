// Seed 003's test send: `{webhook_id, event_type}` → the outcome as a log entry.
import { route } from "@/lib/http/route";
import { JsonReply } from "@/lib/http/responses";
import { sendTestEvent } from "@/lib/delivery/send-test";
import { auraconnectTestInput, toAuraconnectTestJson } from "@/lib/webhooks/auraconnect-dialect";

export const POST = route({ body: auraconnectTestInput }, async ({ account, body }) => {
  const at = new Date();
  const outcome = await sendTestEvent(account.id, body.webhook_id, body.event_type, "event_type");
  return new JsonReply(toAuraconnectTestJson(body.webhook_id, outcome, at), 200);
});
