// The Inngest client and the events Hookrelay sends to it (DESIGN.md: background work).
//
// A leaf module that imports only the SDK and the logger. lib/ never imports it: the start
// script connects it to lib/engine/announce.ts (inngest/announce-to-inngest.ts), and the
// functions in inngest/functions/ call lib/.
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
