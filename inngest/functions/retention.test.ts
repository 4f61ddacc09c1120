// The daily purge cron, run by @inngest/test against the real database.
import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { purgeHistory } from "@/inngest/functions/retention";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { newAccount } from "@/test/fixtures";

const DAY = 24 * 3600 * 1000;

describe("purge-old-history (cron, run by @inngest/test)", () => {
  it("deletes events older than 30 days in one step and keeps newer ones", async () => {
    const { account } = await newAccount();
    const old = await db().event.create({ data: { id: newId("evt"), accountId: account.id, type: "order.created", data: {}, createdAt: new Date(Date.now() - 31 * DAY) } });
    const kept = await db().event.create({ data: { id: newId("evt"), accountId: account.id, type: "order.created", data: {}, createdAt: new Date(Date.now() - 29 * DAY) } });

    const { result, error, ctx } = await new InngestTestEngine({ function: purgeHistory }).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ ran: true, attempts: 0, events: 1, inboundEvents: 0, rollups: 0 });
    expect(ctx.step.run).toHaveBeenCalledWith("purge-old-history", expect.any(Function));
    expect(await db().event.count({ where: { id: { in: [old.id, kept.id] } } })).toBe(1);
    expect(await db().event.findUnique({ where: { id: kept.id } })).not.toBeNull();
  });
});
