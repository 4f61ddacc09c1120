// The Inngest inbound function, run in-process by @inngest/test against the real database.
// The `inbound` policy waits 1, 5 and 15 minutes, too long for a test: its mocked sleeps
// fast-forward the row's schedule instead of waiting, which is what the passing of that time
// would have done.
import { InngestTestEngine } from "@inngest/test";
import { beforeAll, describe, expect, it } from "vitest";
import { processInbound } from "@/inngest/functions/process-inbound";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { newAccount } from "@/test/fixtures";

let accountId: string;
let integrationId: string;

beforeAll(async () => {
  ({
    account: { id: accountId },
  } = await newAccount());
  const integration = await db().integration.create({
    data: { id: newId("int"), accountId, sourceSystem: "pos", userId: "u_inngest", secretCiphertext: "unused" },
  });
  integrationId = integration.id;
});

async function storeInboundEvent(payload: unknown) {
  return db().inboundEvent.create({
    data: { id: newId("ie"), accountId, integrationId, eventType: "transaction.created", dedupeKey: newId("ie"), payload: payload as object },
  });
}

const fastForward = (id: string) => async () => {
  await db().inboundEvent.update({ where: { id }, data: { nextAttemptAt: new Date() } });
  return null;
};

function engineFor(id: string, sleeps: number[] = []) {
  return new InngestTestEngine({
    function: processInbound,
    events: [{ name: "hookrelay/inbound.received", data: { inbound_event_id: id, integration_id: integrationId } }],
    steps: sleeps.map((n) => ({ id: `wait-${n}`, handler: fastForward(id) })),
  });
}

describe("process-inbound (Inngest function, run by @inngest/test)", () => {
  it("processes a valid inbound event in one step", async () => {
    const event = await storeInboundEvent({ event: "transaction.created", data: { transaction_id: "t_1" } });
    const { result, error } = await engineFor(event.id).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ inboundEventId: event.id, state: "processed", attempted: true, rounds: 1 });
    expect(await db().inboundEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: "processed", attempts: 1 });
  });

  it("retries an event that fails on the inbound policy, sleeping between tries, then dead-letters it", async () => {
    const event = await storeInboundEvent({ event: "transaction.created", data: {} });
    const { result, ctx } = await engineFor(event.id, [1, 2, 3]).execute();
    expect(result).toMatchObject({ state: "dead", attempted: true, rounds: 4 });
    expect((result as { error: string }).error).toContain("transaction_id");
    const sleeps = (ctx.step.sleepUntil as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => c[0]);
    expect(new Set(sleeps)).toEqual(new Set(["wait-1", "wait-2", "wait-3"]));
    expect(await db().inboundEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: "dead", attempts: 4 });
  });

  it("ends without processing an event that is already final", async () => {
    const event = await storeInboundEvent({ event: "transaction.created", data: { transaction_id: "t_2" } });
    await db().inboundEvent.update({ where: { id: event.id }, data: { status: "processed", attempts: 1 } });
    const { result } = await engineFor(event.id).execute();
    expect(result).toMatchObject({ state: "processed", attempted: false, rounds: 1 });
    expect((await db().inboundEvent.findUniqueOrThrow({ where: { id: event.id } })).attempts).toBe(1);
  });
});
