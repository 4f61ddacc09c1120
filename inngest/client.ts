// The Inngest client and the events Hookrelay sends to it (DESIGN.md: background work).
//
// Where the client lives: here, as a leaf module that imports nothing but the SDK — no lib/,
// no app/, no functions. lib/delivery/engine.ts imports it to announce work, which keeps the
// one-way rule (`inngest/` → `lib/`) true in spirit: lib depends on a client and two event
// definitions, never on a function, and loading it starts nothing. Putting the client in lib/
// and re-exporting it here would work too, but would make the SDK look like a lib/ concern.
//
// The SDK reads its own settings from the environment (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY,
// INNGEST_DEV, INNGEST_BASE_URL) on every request it serves; lib/config.ts only decides
// whether Inngest drives the work (DELIVERY_ENGINE).
import { Inngest, eventType, staticSchema } from "inngest";

/** A delivery is ready to be attempted (new, replayed, resumed, or found stranded). */
export const deliveryRequested = eventType("hookrelay/delivery.requested", {
  schema: staticSchema<{ delivery_id: string; webhook_id: string }>(),
});

/** An inbound event was stored and waits to be processed. */
export const inboundReceived = eventType("hookrelay/inbound.received", {
  schema: staticSchema<{ inbound_event_id: string; integration_id: string }>(),
});

export const inngest = new Inngest({ id: "hookrelay" });
