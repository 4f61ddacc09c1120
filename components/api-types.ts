// The JSON the API returns, as the UI reads it (snake_case, as on the wire).

export type RetryPolicyValue = string | number[];

export interface Webhook {
  id: string;
  name: string;
  url: string;
  description: string | null;
  events: string[];
  filters: Record<string, string | number | boolean | null> | null;
  is_active: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  signature_profile: string;
  retry_policy: RetryPolicyValue;
  timeout_ms: number;
  ip_whitelist: string[];
  headers: Record<string, string>;
  rate_limit_per_hour: number | null;
  debug_mode: boolean;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
  secret?: string;
}

export interface WebhookHealth {
  webhook_id: string;
  name: string;
  url: string;
  status: "active" | "disabled" | "failing";
  is_active: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  failing_streak: number;
  total_24h: number;
  succeeded_24h: number;
  failed_24h: number;
  success_rate_24h: number | null;
  avg_response_ms_24h: number | null;
  p95_response_ms_24h: number | null;
  last_attempt_at: string | null;
  last_status: "succeeded" | "failed" | null;
  last_response_code: number | null;
  dead_letters: number;
}

export interface EventType {
  type: string;
  group: string;
  description: string;
  example: Record<string, unknown>;
}

export interface Attempt {
  id: string;
  delivery_id: string;
  event: string;
  event_id: string;
  attempt: number;
  status: "succeeded" | "failed";
  response_code: number | null;
  response_time_ms: number;
  error: string | null;
  error_message: string | null;
  request_headers: Record<string, string> | null;
  request_body: string | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  created_at: string;
}

export interface Delivery {
  id: string;
  webhook_id: string;
  event: string;
  event_id: string;
  status: "pending" | "succeeded" | "dead";
  attempts: number;
  response_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface DeadLetter {
  id: string;
  delivery_id: string;
  event: string;
  event_id: string;
  reason: string;
  failed_at: string;
  replayed_at: string | null;
  replay_delivery_id?: string | null;
}

export interface StatsPoint {
  bucket: string;
  succeeded: number;
  failed: number;
  avg_response_ms: number | null;
  p50_response_ms?: number | null;
  p95_response_ms?: number | null;
}

export type StatsWindow = "1h" | "24h" | "7d";

export interface Stats {
  window: StatsWindow;
  total: number;
  succeeded: number;
  failed: number;
  success_rate: number | null;
  avg_response_ms: number | null;
  p50_response_ms?: number | null;
  p95_response_ms: number | null;
  series: StatsPoint[];
  errors: { code: string; count: number }[];
  events?: { event: string; succeeded: number; failed: number }[];
}

export interface SendTestResult {
  delivery_id: string;
  event?: string;
  status: "succeeded" | "failed";
  response_code: number | null;
  response_time_ms: number | null;
  error: string | null;
  error_message?: string | null;
  next_attempt_at?: string | null;
}

export interface EventDeliveryCounts {
  total: number;
  succeeded: number;
  pending: number;
  dead: number;
}

/** An item of the event browser (GET /api/events). */
export interface EventSummary {
  id: string;
  external_id: string | null;
  type: string;
  created_at: string;
  deliveries: EventDeliveryCounts;
}

export interface EventDelivery extends Delivery {
  webhook_name: string;
  webhook_url: string;
  last_response: { code: number | null; response_time_ms: number; error: string | null; at: string } | null;
  dead_letter: { id: string; reason: string; failed_at: string; replayed_at: string | null; replay_delivery_id: string | null } | null;
}

export interface EventSource {
  integration_id: string;
  inbound_event_id: string;
  integration_name: string | null;
  inbound_event: { event: string; status: "pending" | "processed" | "dead"; received_at: string } | null;
}

export interface EventDetail {
  id: string;
  external_id?: string | null;
  type: string;
  data: unknown;
  created_at: string;
  is_test?: boolean;
  source?: EventSource | null;
  deliveries?: EventDelivery[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: "admin" | "member";
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  key?: string;
}

export interface Account {
  id: string;
  name: string;
  created_at: string;
}

export interface Integration {
  id: string;
  name: string | null;
  source_system: string;
  user_id: string;
  receive_url?: string;
  forward_as?: string | null;
  is_active: boolean;
  rate_limit_per_minute?: number;
  created_at: string;
  stats?: { received: number; processed: number; pending: number; dead: number };
  webhook_secret?: string;
}

export interface InboundEvent {
  id: string;
  event: string;
  status: "pending" | "processed" | "dead";
  attempts: number;
  last_error: string | null;
  received_at: string;
  processed_at: string | null;
  next_attempt_at: string | null;
  dead_at?: string | null;
  replayed_at?: string | null;
  payload: unknown;
  /** The events Hookrelay published from it (`forward_as`). */
  outbound_events?: { id: string; external_id: string | null; type: string }[];
}
