"use client";
import { useState } from "react";
import type { EventType, SendTestResult, Webhook } from "@/components/api-types";
import { errorWithMessage, formatMs } from "@/components/format";
import { useApiMutation, useApiQuery } from "@/components/use-api";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Select } from "@/components/ui/field";
import { InlineError } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { AttemptStatusBadge } from "@/components/webhooks/attempt-status";

function matches(pattern: string, type: string) {
  return pattern === "*" || pattern === type || (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1)));
}

function EventTypeGroup({ label, types }: { label: string; types: EventType[] }) {
  if (types.length === 0) return null;
  return (
    <optgroup label={label}>
      {types.map((t) => (
        <option key={t.type} value={t.type}>
          {t.type}
        </option>
      ))}
    </optgroup>
  );
}

/** Delivers an event type's example payload now and shows the first attempt's outcome. */
export function SendTest({ webhook }: { webhook: Webhook }) {
  const catalog = useApiQuery<EventType[]>("/api/event-types");
  const [chosen, setChosen] = useState<string | null>(null);
  const send = useApiMutation((api, event: string) => api.post<SendTestResult>(`/api/webhooks/${webhook.id}/test`, { event }));

  const subscribed = (catalog.data ?? []).filter((t) => webhook.events.some((p) => matches(p, t.type)));
  const others = (catalog.data ?? []).filter((t) => !subscribed.includes(t));
  const event = chosen ?? subscribed[0]?.type ?? catalog.data?.[0]?.type ?? "";
  const result = send.data;

  return (
    <Card>
      <CardHeader title="Send Test" description="Deliver an example event now and see how the endpoint answers." />
      <div className="flex flex-col gap-4 p-4 sm:p-5">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <Field label="Event type" className="flex-1">
            {(p) =>
              catalog.isPending ? (
                <Skeleton className="h-9 w-full" />
              ) : (
                <Select {...p} value={event} onChange={(e) => setChosen(e.target.value)}>
                  <EventTypeGroup label="Subscribed" types={subscribed} />
                  <EventTypeGroup label="Other event types" types={others} />
                </Select>
              )
            }
          </Field>
          <Button variant="primary" onClick={() => send.mutate(event)} disabled={!event || send.isPending}>
            {send.isPending ? "Sending…" : "Send Test"}
          </Button>
        </div>
        <div aria-live="polite" className="min-h-9">
          {send.isError && <InlineError error={send.error} />}
          {result && !send.isPending && (
            <div role="status" aria-label="Test result" className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-md bg-slate-50 px-3 py-2 text-sm">
              <AttemptStatusBadge status={result.status} />
              <span className="text-slate-700">
                Status <span className="font-mono font-medium">{result.response_code ?? "—"}</span>
              </span>
              <span className="text-slate-700">
                Time <span className="font-mono font-medium">{formatMs(result.response_time_ms)}</span>
              </span>
              {result.error && <span className="text-red-700">{errorWithMessage(result.error, result.error_message)}</span>}
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
