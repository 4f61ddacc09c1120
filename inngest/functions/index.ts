// Every Inngest function Hookrelay serves at /api/inngest.
import { deliverWebhook } from "@/inngest/functions/deliver-webhook";
import { processInbound } from "@/inngest/functions/process-inbound";
import { purgeHistory } from "@/inngest/functions/retention";
import { sweepDeliveries } from "@/inngest/functions/sweep-deliveries";

export const functions = [deliverWebhook, processInbound, sweepDeliveries, purgeHistory];
