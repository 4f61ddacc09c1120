"use client";
// One attempt in full: what was sent (headers, payload) and what came back.
import type { ReactNode } from "react";
import type { Attempt, EventDetail } from "@/components/api-types";
import { errorWithMessage, formatDateTime, formatMs } from "@/components/format";
import { useApiQuery } from "@/components/use-api";
import { Dialog } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { AttemptStatusBadge } from "@/components/webhooks/attempt-status";

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-1.5">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {children}
    </section>
  );
}

function Code({ children, label }: { children: string; label: string }) {
  return (
    <pre tabIndex={0} aria-label={label} className="max-h-72 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600">
      {children}
    </pre>
  );
}

function Headers({ headers, label }: { headers: Record<string, string> | null; label: string }) {
  const entries = Object.entries(headers ?? {});
  if (!entries.length) return <p className="text-sm text-slate-400">None recorded</p>;
  return <Code label={label}>{entries.map(([k, v]) => `${k}: ${v}`).join("\n")}</Code>;
}

function EventPayload({ eventId }: { eventId: string }) {
  const event = useApiQuery<EventDetail>(`/api/events/${encodeURIComponent(eventId)}`);
  if (event.isPending) return <Skeleton className="h-32 w-full" />;
  if (event.isError) return <p className="text-sm text-slate-500">The event is no longer available ({event.error.message}).</p>;
  return (
    <>
      <p className="text-xs text-slate-500">The request body is kept in debug mode only; this is the event&apos;s data, which the signature profile wrapped in its envelope.</p>
      <Code label="Event data">{JSON.stringify(event.data.data, null, 2)}</Code>
    </>
  );
}

export function AttemptDetails({ attempt, onClose }: { attempt: Attempt | null; onClose: () => void }) {
  return (
    <Dialog
      open={attempt !== null}
      onClose={onClose}
      side
      title={attempt ? `Attempt ${attempt.attempt} · ${attempt.event}` : "Attempt"}
      description={attempt ? `Event ${attempt.event_id}` : undefined}
    >
      {attempt && (
        <div className="flex flex-col gap-5">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
            <div>
              <dt className="text-xs text-slate-500">Status</dt>
              <dd className="mt-0.5">
                <AttemptStatusBadge status={attempt.status} />
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Response code</dt>
              <dd className="mt-0.5 font-mono">{attempt.response_code ?? "—"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Response time</dt>
              <dd className="mt-0.5">{formatMs(attempt.response_time_ms)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Time</dt>
              <dd className="mt-0.5">{formatDateTime(attempt.created_at)}</dd>
            </div>
            {attempt.error && (
              <div className="col-span-2">
                <dt className="text-xs text-slate-500">Error</dt>
                <dd className="mt-0.5 text-red-700">{errorWithMessage(attempt.error, attempt.error_message)}</dd>
              </div>
            )}
          </dl>
          <Section title="Request headers">
            <Headers headers={attempt.request_headers} label="Request headers" />
          </Section>
          <Section title="Payload">{attempt.request_body ? <Code label="Request body">{pretty(attempt.request_body)}</Code> : <EventPayload eventId={attempt.event_id} />}</Section>
          {attempt.response_headers && (
            <Section title="Response headers">
              <Headers headers={attempt.response_headers} label="Response headers" />
            </Section>
          )}
          <Section title="Response body">
            {attempt.response_body ? <Code label="Response body">{pretty(attempt.response_body)}</Code> : <p className="text-sm text-slate-400">Empty</p>}
          </Section>
        </div>
      )}
    </Dialog>
  );
}
