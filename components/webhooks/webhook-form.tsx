"use client";
// Create or edit a webhook. Validated in the browser with the API's rules first; what only the
// server can know (a URL that resolves to a private address, the account's quota) comes back as
// a 422 and lands on the same fields.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { ApiClientError, type ErrorDetail } from "@/components/api-client";
import type { EventType, Webhook } from "@/components/api-types";
import { useScopedHref } from "@/components/api-scope";
import { useApiMutation, useApiQuery } from "@/components/use-api";
import { Button, buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Checkbox, Field, Input, Select, Textarea } from "@/components/ui/field";
import { ErrorState } from "@/components/ui/error-state";
import { EventPicker, EventPickerSkeleton } from "@/components/webhooks/event-picker";
import { KeyValueRows, type KeyValueRow } from "@/components/webhooks/key-value-rows";
import { SecretReveal } from "@/components/webhooks/secret-reveal";
import { retryPolicyNames } from "@/lib/delivery/retry-policy";
import { signatureProfiles } from "@/lib/signing/profiles";
import { createWebhookInput } from "@/lib/webhooks/webhook-input";

const PROFILE_LABELS: Record<string, string> = {
  standard: "Standard Webhooks (webhook-signature)",
  omnisales: "Omnisales (X-Webhook-Signature, hex)",
  sha256: "sha256= (X-Webhook-Signature)",
  auraconnect: "AuraConnect (X-AuraConnect-Signature)",
};

const POLICY_LABELS: Record<string, string> = {
  standard: "Standard — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h",
  template: "Template — 1 s, 5 min, 30 min, 2 h, 6 h, 12 h",
  auraconnect: "AuraConnect — 10 s, 30 s, 1 min, 5 min, 30 min",
  exponential: "Exponential — 1 s, 2 s, 4 s",
  inbound: "Inbound — 1 min, 5 min, 15 min",
  custom: "Custom delays…",
};

const ADVANCED_FIELDS = new Set(["secret", "signature_profile", "retry_policy", "timeout_ms", "filters", "ip_whitelist", "headers", "rate_limit_per_hour", "debug_mode", "ordering"]);

interface FormState {
  name: string;
  url: string;
  description: string;
  events: string[];
  secret: string;
  signatureProfile: string;
  retryMode: string;
  retryCustom: string;
  timeoutMs: string;
  filters: KeyValueRow[];
  ipWhitelist: string;
  headers: KeyValueRow[];
  rateLimit: string;
  debugMode: boolean;
  ordering: string;
}

type Errors = Record<string, string>;

/** The API field each form control feeds, so editing it clears that field's error. */
const FIELD_OF: Record<keyof FormState, string> = {
  name: "name",
  url: "url",
  description: "description",
  events: "events",
  secret: "secret",
  signatureProfile: "signature_profile",
  retryMode: "retry_policy",
  retryCustom: "retry_policy",
  timeoutMs: "timeout_ms",
  filters: "filters",
  ipWhitelist: "ip_whitelist",
  headers: "headers",
  rateLimit: "rate_limit_per_hour",
  debugMode: "debug_mode",
  ordering: "ordering",
};

function initialState(webhook?: Webhook): FormState {
  const policy = webhook?.retry_policy ?? "standard";
  return {
    name: webhook?.name ?? "",
    url: webhook?.url ?? "",
    description: webhook?.description ?? "",
    events: webhook?.events ?? [],
    secret: "",
    signatureProfile: webhook?.signature_profile ?? "standard",
    retryMode: Array.isArray(policy) ? "custom" : policy,
    retryCustom: Array.isArray(policy) ? policy.join(", ") : "",
    timeoutMs: String(webhook?.timeout_ms ?? 30000),
    filters: Object.entries(webhook?.filters ?? {}).map(([key, value]) => ({ key, value: typeof value === "string" ? value : JSON.stringify(value) })),
    ipWhitelist: (webhook?.ip_whitelist ?? []).join("\n"),
    headers: Object.entries(webhook?.headers ?? {}).map(([key, value]) => ({ key, value })),
    rateLimit: webhook?.rate_limit_per_hour ? String(webhook.rate_limit_per_hour) : "",
    debugMode: webhook?.debug_mode ?? false,
    ordering: webhook?.ordering ?? "skip_dead",
  };
}

/** `true`, `42`, `null` and `"quoted"` are JSON; anything else is matched as text. */
function filterValue(text: string): string | number | boolean | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || ["string", "number", "boolean"].includes(typeof parsed)) return parsed as string | number | boolean | null;
  } catch {
    /* plain text */
  }
  return text;
}

function rowsToRecord<T>(rows: KeyValueRow[], value: (v: string) => T): Record<string, T> {
  return Object.fromEntries(rows.filter((r) => r.key.trim() || r.value.trim()).map((r) => [r.key.trim(), value(r.value)]));
}

function toPayload(s: FormState, mode: "create" | "edit"): { payload: Record<string, unknown>; errors: Errors } {
  const errors: Errors = {};
  let retryPolicy: string | number[] = s.retryMode;
  if (s.retryMode === "custom") {
    const parts = s.retryCustom.split(/[\s,]+/).filter(Boolean);
    const delays = parts.map(Number);
    if (parts.length === 0 || delays.some((d) => !Number.isInteger(d))) errors.retry_policy = "enter whole seconds separated by commas, e.g. 1, 1";
    retryPolicy = delays;
  }
  const timeout = Number(s.timeoutMs);
  if (!s.timeoutMs.trim() || !Number.isFinite(timeout)) errors.timeout_ms = "enter a timeout in milliseconds";
  const rate = s.rateLimit.trim() ? Number(s.rateLimit) : null;
  if (rate !== null && !Number.isFinite(rate)) errors.rate_limit_per_hour = "enter a number, or leave it empty for no limit";
  const filters = rowsToRecord(s.filters, filterValue);
  const payload: Record<string, unknown> = {
    name: s.name,
    url: s.url,
    events: s.events,
    signature_profile: s.signatureProfile,
    retry_policy: retryPolicy,
    timeout_ms: timeout,
    ip_whitelist: s.ipWhitelist.split(/[\s,]+/).filter(Boolean),
    headers: rowsToRecord(s.headers, (v) => v),
    debug_mode: s.debugMode,
    ordering: s.ordering,
  };
  if (mode === "edit") {
    Object.assign(payload, { description: s.description.trim() || null, filters: Object.keys(filters).length ? filters : null, rate_limit_per_hour: rate });
  } else {
    if (s.description.trim()) payload.description = s.description;
    if (Object.keys(filters).length) payload.filters = filters;
    if (rate !== null) payload.rate_limit_per_hour = rate;
    if (s.secret) payload.secret = s.secret;
  }
  return { payload, errors };
}

/** Field errors keyed by the top-level field; a nested path keeps its tail as context. */
function detailsToErrors(details: { path: string; message: string }[]): Errors {
  const errors: Errors = {};
  for (const d of details) {
    const [field, ...rest] = d.path.split(".");
    const key = field || "_form";
    const where = rest.length && !/^\d+$/.test(rest.join(".")) ? `${rest.join(".")}: ` : "";
    errors[key] ??= `${where}${d.message}`;
  }
  return errors;
}

function validate(payload: Record<string, unknown>): Errors {
  const result = createWebhookInput.safeParse(payload);
  if (result.success) return {};
  return detailsToErrors(result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
}

export function WebhookForm({ webhook }: { webhook?: Webhook }) {
  const mode = webhook ? "edit" : "create";
  const router = useRouter();
  const href = useScopedHref();
  const catalog = useApiQuery<EventType[]>("/api/event-types");
  const [state, setState] = useState<FormState>(() => initialState(webhook));
  const [errors, setErrors] = useState<Errors>({});
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [created, setCreated] = useState<Webhook | null>(null);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setState((s) => ({ ...s, [key]: value }));
    // An error goes away as soon as its field is edited; the next submit checks again.
    const field = FIELD_OF[key];
    setErrors((e) => {
      if (!(field in e) && !("_form" in e)) return e;
      const rest = { ...e };
      delete rest[field];
      delete rest._form;
      return rest;
    });
  };

  const save = useApiMutation((api, payload: Record<string, unknown>) =>
    webhook ? api.patch<Webhook>(`/api/webhooks/${webhook.id}`, payload) : api.post<Webhook>("/api/webhooks", payload),
  );

  function showErrors(next: Errors) {
    setErrors(next);
    if (Object.keys(next).some((k) => ADVANCED_FIELDS.has(k))) setAdvancedOpen(true);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const { payload, errors: local } = toPayload(state, mode);
    const found = { ...validate(payload), ...local };
    if (Object.keys(found).length) return showErrors(found);
    setErrors({});
    try {
      const saved = await save.mutateAsync(payload);
      if (webhook) router.push(href(`/webhooks/${saved.id}`));
      else setCreated(saved);
    } catch (error) {
      if (error instanceof ApiClientError && error.details.length) showErrors(detailsToErrors(error.details as ErrorDetail[]));
      else showErrors({ _form: error instanceof Error ? error.message : "Saving failed." });
    }
  }

  if (created?.secret) {
    return (
      <SecretReveal
        title="Webhook created"
        description={`“${created.name}” will receive its events at ${created.url}.`}
        secret={created.secret}
        onDone={() => router.push(href(`/webhooks/${created.id}`))}
      />
    );
  }

  const formError = errors._form;
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6">
      <Card>
        <CardHeader title="Endpoint" description="Where Hookrelay sends events, and what you call it." />
        <div className="grid grid-cols-1 gap-4 p-4 sm:grid-cols-2 sm:p-5">
          <Field label="Name" error={errors.name}>
            {(p) => <Input {...p} value={state.name} onChange={(e) => set("name", e.target.value)} placeholder="Order system" autoComplete="off" />}
          </Field>
          <Field label="URL" error={errors.url} hint="http:// or https://; events are POSTed here.">
            {(p) => <Input {...p} type="url" value={state.url} onChange={(e) => set("url", e.target.value)} placeholder="https://example.com/webhooks" className="font-mono" />}
          </Field>
          <Field label="Description" error={errors.description} className="sm:col-span-2" hint="Optional.">
            {(p) => <Textarea {...p} rows={2} value={state.description} onChange={(e) => set("description", e.target.value)} />}
          </Field>
        </div>
      </Card>

      <Card>
        <CardHeader title="Events" description="Pick single event types, whole groups, or everything." />
        <div className="p-4 sm:p-5">
          {errors.events && (
            <p id="events-error" role="alert" className="mb-3 text-sm font-medium text-red-600">
              {errors.events}
            </p>
          )}
          {catalog.isPending ? (
            <EventPickerSkeleton />
          ) : catalog.isError ? (
            <ErrorState error={catalog.error} onRetry={() => catalog.refetch()} title="Could not load event types" />
          ) : (
            <EventPicker catalog={catalog.data} value={state.events} onChange={(v) => set("events", v)} describedBy={errors.events ? "events-error" : undefined} />
          )}
        </div>
      </Card>

      <Card>
        <details open={advancedOpen} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)} className="group">
          <summary className="flex cursor-pointer list-none items-center justify-between gap-3 rounded-lg px-4 py-3 focus-visible:outline-2 focus-visible:outline-indigo-600 sm:px-5">
            <span>
              <span className="block text-base font-semibold text-slate-900">Advanced</span>
              <span className="block text-sm text-slate-500">Signature profile, retries, timeout, filters, IP allow-list, headers, rate limit, debug mode.</span>
            </span>
            <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="size-5 shrink-0 text-slate-400 transition-transform group-open:rotate-180">
              <path d="M5.23 7.21a.75.75 0 0 1 1.06.02L10 11.17l3.71-3.94a.75.75 0 1 1 1.08 1.04l-4.25 4.5a.75.75 0 0 1-1.08 0l-4.25-4.5a.75.75 0 0 1 .02-1.06Z" />
            </svg>
          </summary>
          <div className="grid grid-cols-1 gap-5 border-t border-slate-100 p-4 sm:grid-cols-2 sm:p-5">
            <Field label="Signature profile" error={errors.signature_profile} hint="How deliveries are signed; match what your receiver verifies.">
              {(p) => (
                <Select {...p} value={state.signatureProfile} onChange={(e) => set("signatureProfile", e.target.value)}>
                  {signatureProfiles.map((n) => (
                    <option key={n} value={n}>
                      {PROFILE_LABELS[n] ?? n}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <div className="flex flex-col gap-3">
              <Field label="Retry policy" error={state.retryMode === "custom" ? undefined : errors.retry_policy} hint="Delays before each retry after a failed attempt.">
                {(p) => (
                  <Select {...p} value={state.retryMode} onChange={(e) => set("retryMode", e.target.value)}>
                    {[...retryPolicyNames, "custom"].map((n) => (
                      <option key={n} value={n}>
                        {POLICY_LABELS[n] ?? n}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              {state.retryMode === "custom" && (
                <Field label="Custom retry delays (seconds)" error={errors.retry_policy} hint="Comma-separated, e.g. 10, 60, 300.">
                  {(p) => <Input {...p} value={state.retryCustom} onChange={(e) => set("retryCustom", e.target.value)} inputMode="numeric" className="font-mono" />}
                </Field>
              )}
            </div>
            <Field label="Timeout (ms)" error={errors.timeout_ms} hint="100 – 60000. A slower answer counts as a failure.">
              {(p) => <Input {...p} type="number" min={100} max={60000} step={100} value={state.timeoutMs} onChange={(e) => set("timeoutMs", e.target.value)} />}
            </Field>
            <Field
              label="Ordering keys: when one dead-letters"
              error={errors.ordering}
              hint="Events with the same ordering_key are delivered in publish order. This decides what the later ones do when an earlier one dies."
            >
              {(p) => (
                <Select {...p} value={state.ordering} onChange={(e) => set("ordering", e.target.value)}>
                  <option value="skip_dead">Skip it: the next ones go on</option>
                  <option value="halt">Halt the key until it is replayed and succeeds</option>
                </Select>
              )}
            </Field>
            <Field label="Rate limit (deliveries per hour)" error={errors.rate_limit_per_hour} hint="Empty: no limit.">
              {(p) => <Input {...p} type="number" min={1} value={state.rateLimit} onChange={(e) => set("rateLimit", e.target.value)} />}
            </Field>
            <Group label="Filters" error={errors.filters} hint="Only events whose data matches every filter are sent. Values are matched exactly: true, false, null and numbers as JSON, anything else as text.">
              {(describedBy) => (
                <KeyValueRows
                  rows={state.filters}
                  onChange={(rows) => set("filters", rows)}
                  keyLabel="Filter path"
                  valueLabel="Filter value"
                  keyPlaceholder="status"
                  valuePlaceholder="paid"
                  addLabel="Add filter"
                  describedBy={describedBy}
                />
              )}
            </Group>
            <Group label="Custom headers" error={errors.headers} hint="Sent with every delivery (e.g. an Authorization header for your receiver).">
              {(describedBy) => (
                <KeyValueRows
                  rows={state.headers}
                  onChange={(rows) => set("headers", rows)}
                  keyLabel="Header name"
                  valueLabel="Header value"
                  keyPlaceholder="X-Tenant"
                  valuePlaceholder="acme"
                  addLabel="Add header"
                  describedBy={describedBy}
                />
              )}
            </Group>
            <Field label="IP allow-list" error={errors.ip_whitelist} hint="One IP or CIDR per line. The URL must resolve into these ranges; empty allows any public address.">
              {(p) => <Textarea {...p} rows={3} value={state.ipWhitelist} onChange={(e) => set("ipWhitelist", e.target.value)} placeholder="203.0.113.0/24" className="font-mono" />}
            </Field>
            <div className="flex flex-col gap-4">
              {mode === "create" && (
                <Field label="Signing secret" error={errors.secret} hint="Optional: leave empty to generate a strong one.">
                  {(p) => <Input {...p} value={state.secret} onChange={(e) => set("secret", e.target.value)} autoComplete="off" className="font-mono" />}
                </Field>
              )}
              <Checkbox
                label="Debug mode"
                description="Keep full request and response bodies in the delivery log."
                checked={state.debugMode}
                onChange={(e) => set("debugMode", e.target.checked)}
              />
            </div>
          </div>
        </details>
      </Card>

      {formError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {formError}
        </p>
      )}
      {Object.keys(errors).length > 0 && !formError && (
        <p role="alert" className="text-sm text-red-600">
          Fix the highlighted fields and save again.
        </p>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Link href={href(webhook ? `/webhooks/${webhook.id}` : "/webhooks")} className={buttonClass("secondary")}>
          Cancel
        </Link>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : webhook ? "Save changes" : "Create webhook"}
        </Button>
      </div>
    </form>
  );
}

/** A labelled group of several controls (a fieldset), with a hint and an error. */
function Group({ label, hint, error, children }: { label: string; hint?: string; error?: string; children: (describedBy: string) => ReactNode }) {
  const id = `group-${label.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <fieldset className="flex flex-col gap-1.5 sm:col-span-2" aria-describedby={`${id}-note`}>
      <legend className="mb-1.5 text-sm font-medium text-slate-700">{label}</legend>
      {children(`${id}-note`)}
      <p id={`${id}-note`} className={error ? "text-xs font-medium text-red-600" : "text-xs text-slate-500"}>
        {error ?? hint}
      </p>
    </fieldset>
  );
}
