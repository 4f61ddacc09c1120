// Drives one inbound event to a final state: process it, and while it stays pending (the
// `inbound` retry policy: 1 min, 5 min, 15 min) sleep until it is due again. Each step calls
// lib/inbound/process-inbound.ts through lib/engine/inngest-steps.ts, which waits out an event
// that is not due yet or leased by someone else.
import { inboundReceived, inngest } from "@/inngest/client";
import { processInboundEventWhenDue, type InboundStepResult } from "@/lib/engine/inngest-steps";

const MAX_ROUNDS = 50;

export const processInbound = inngest.createFunction(
  {
    id: "process-inbound",
    name: "Process an inbound event",
    triggers: [inboundReceived],
    concurrency: [{ key: "event.data.integration_id", limit: 10 }],
    retries: 5,
  },
  async ({ event, step }) => {
    const id = event.data.inbound_event_id;
    let last: InboundStepResult | undefined;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      last = await step.run(`process-${round}`, () => processInboundEventWhenDue(id));
      if (last.state !== "pending" || !last.nextAttemptAt) return { inboundEventId: id, rounds: round, ...last };
      await step.sleepUntil(`wait-${round}`, last.nextAttemptAt);
    }
    return { inboundEventId: id, rounds: MAX_ROUNDS, ...last, handedOff: true };
  },
);
