// The JSON the API returns, as the UI reads it: only names for the types the server's `to…Json`
// functions (and stats builders) return, so a renamed field fails the typecheck here. Add no
// field lists: export the type from the lib module that builds the JSON and alias it here.
// Type-only imports: nothing from lib/ reaches the browser bundle.
import type { AccountJson } from "@/lib/accounts/accounts";
import type { listAccountSummaries } from "@/lib/accounts/account-summaries";
import type { toUserJson } from "@/lib/accounts/users";
import type { z } from "zod";
import type { ApiKeyJson } from "@/lib/auth/api-keys";
import type { AttemptJson, DeliveryJson } from "@/lib/delivery/delivery-log";
import type { DeadLetterJson, ReplayJson, replayPreviewJson } from "@/lib/delivery/replay";
import type { endpointCheckJson } from "@/lib/delivery/endpoint-check";
import type { SendTestJson } from "@/lib/delivery/send-test";
import type { toEventSummaryJson } from "@/lib/events/event-browser";
import type { EventDetailJson } from "@/lib/events/event-detail";
import type { InboundEventJson } from "@/lib/inbound/inbound-events";
import type { IntegrationJson } from "@/lib/inbound/integrations";
import type { StatsJson } from "@/lib/stats/webhook-stats";
import type { WebhookJson } from "@/lib/webhooks/webhooks";

export type { PortalBranding } from "@/lib/accounts/portal-branding";
export type { EventType } from "@/lib/events/catalog";
export type { StatsWindow } from "@/lib/stats/webhook-stats";
export type { WebhookHealth } from "@/lib/stats/webhook-health";

export type Account = AccountJson;
/** An item of the operators' account list. */
export type AccountSummary = Awaited<ReturnType<typeof listAccountSummaries>>[number];
export type AccountUser = ReturnType<typeof toUserJson>;
export type ApiKey = ApiKeyJson;
export type Attempt = AttemptJson;
export type DeadLetter = DeadLetterJson;
export type Delivery = DeliveryJson;
export type EventDetail = EventDetailJson;
export type EventDelivery = EventDetail["deliveries"][number];
export type EventSource = NonNullable<EventDetail["source"]>;
/** An item of the event browser (GET /api/events). */
export type EventSummary = ReturnType<typeof toEventSummaryJson>;
export type EventDeliveryCounts = EventSummary["deliveries"];
export type InboundEvent = InboundEventJson;
export type Integration = IntegrationJson;
export type ReplayResult = ReplayJson;
export type ReplayPreview = z.output<typeof replayPreviewJson>;
export type EndpointCheck = z.output<typeof endpointCheckJson>;
export type EndpointCheckItem = EndpointCheck["items"][number];
export type SendTestResult = SendTestJson;
export type Stats = StatsJson;
export type StatsPoint = Stats["series"][number];
export type Webhook = WebhookJson;
export type RetryPolicyValue = Webhook["retry_policy"];
