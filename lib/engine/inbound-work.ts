// Inbound events as a dispatcher work source (lib/engine/dispatcher.ts): claim due inbound
// events with row leases, process each once, give back what cannot run now. Grouped by
// integration, so one busy source cannot take every worker.
import type { WorkSource } from "@/lib/engine/dispatcher";
import { claimDueInboundEvents, nextInboundDueAt, releaseInboundEvent, type DueInboundEvent } from "@/lib/inbound/due-inbound-event";
import { runInboundProcessing } from "@/lib/inbound/process-inbound";

export const inboundWork: WorkSource<DueInboundEvent> = {
  name: "inbound",
  claim: claimDueInboundEvents,
  group: (due) => due.integrationId,
  release: (due, owner) => releaseInboundEvent(due.id, owner),
  nextDueAt: nextInboundDueAt,
  async run(due, owner) {
    await runInboundProcessing(due, owner);
  },
};
