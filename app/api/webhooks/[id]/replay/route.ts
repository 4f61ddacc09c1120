import { route } from "@/lib/http/route";
import { list, ok } from "@/lib/http/responses";
import { listDeadLetters, previewReplay, replayDeadLetters, replayInput, toDeadLetterJson, toReplayJson } from "@/lib/delivery/replay";
import { listQuery } from "@/lib/webhooks/webhook-input";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ portal: "view", query: listQuery }, async ({ account, params, query }) => {
  const webhook = await getWebhook(account.id, params.id);
  const page = await listDeadLetters(webhook.id, query);
  return list(page.items.map(toDeadLetterJson), page.nextCursor);
});

export const POST = route({ portal: "manage", body: replayInput }, async ({ account, params, body }) => {
  const webhook = await getWebhook(account.id, params.id);
  const selector = "failure_id" in body ? { failureId: body.failure_id } : { since: new Date(body.since) };
  if (body.dry_run) return ok(await previewReplay(webhook.id, selector));
  const deliveryIds = await replayDeadLetters(webhook.id, selector);
  return ok(toReplayJson(deliveryIds));
});
