// The Inngest client and the events Hookrelay sends to it (DESIGN.md: background work).
//
// Where the client lives: here, as a leaf module that imports only the SDK and the logger — no
// app/, no functions. lib/delivery/engine.ts imports it to announce work, which keeps the
// one-way rule (`inngest/` → `lib/`) true in spirit: lib depends on a client and two event
// definitions, never on a function, and loading it starts nothing. Putting the client in lib/
// and re-exporting it here would work too, but would make the SDK look like a lib/ concern.
//
// The SDK reads its own settings from the environment (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY,
// INNGEST_DEV, INNGEST_BASE_URL) on every request it serves; lib/config.ts only decides
// whether Inngest drives the work (DELIVERY_ENGINE).
import { Inngest, eventType, staticSchema, type Logger } from "inngest";
import { log } from "@/lib/log";

/** A delivery is ready to be attempted (new, replayed, resumed, or found stranded). */
export const deliveryRequested = eventType("hookrelay/delivery.requested", {
  schema: staticSchema<{ delivery_id: string; webhook_id: string }>(),
});

/** An inbound event was stored and waits to be processed. */
export const inboundReceived = eventType("hookrelay/inbound.received", {
  schema: staticSchema<{ inbound_event_id: string; integration_id: string }>(),
});

/**
 * The SDK's own messages (sync, signature checks, step errors) go to our structured log. The
 * SDK logs pino-style (`{ err }, "message"`); pino is created lazily, after the environment
 * is complete, so each call looks it up.
 */
function forwardTo(level: "debug" | "info" | "warn" | "error") {
  return (...args: unknown[]) => {
    const logger = log();
    (logger[level] as (...a: unknown[]) => void).apply(logger, args);
  };
}
const sdkLogger: Logger = { debug: forwardTo("debug"), info: forwardTo("info"), warn: forwardTo("warn"), error: forwardTo("error") };

export const inngest = new Inngest({ id: "hookrelay", logger: sdkLogger });
