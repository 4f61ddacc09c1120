"use client";
import type { EndpointCheck, EndpointCheckItem, Webhook } from "@/components/api-types";
import { useApiMutation } from "@/components/use-api";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { InlineError } from "@/components/ui/error-state";

const RESULT: Record<EndpointCheckItem["result"], { tone: Tone; label: string }> = {
  pass: { tone: "green", label: "Pass" },
  fail: { tone: "red", label: "Fail" },
  not_applicable: { tone: "slate", label: "Not applicable" },
};

function CheckItemRow({ item }: { item: EndpointCheckItem }) {
  const { tone, label } = RESULT[item.result];
  const codes = item.status_codes.map((c) => c ?? "no answer").join(", ");
  return (
    <li aria-label={item.name} className="flex flex-col gap-1 py-2.5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm font-medium text-slate-800">{item.name}</span>
        <Badge tone={tone} dot>
          {label}
        </Badge>
      </div>
      <p className="text-sm text-slate-600">
        {item.detail}
        {codes && <span className="ml-1 font-mono text-xs text-slate-500">[{codes}]</span>}
      </p>
      {item.fix && <p className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900">Fix: {item.fix}</p>}
    </li>
  );
}

/** Runs the endpoint check (POST /api/webhooks/{id}/check) and shows its checklist. */
export function CheckEndpoint({ webhook }: { webhook: Webhook }) {
  const run = useApiMutation((api) => api.post<EndpointCheck>(`/api/webhooks/${webhook.id}/check`));
  const result = run.data;
  const failed = result?.items.filter((i) => i.result === "fail").length ?? 0;
  return (
    <Card>
      <CardHeader
        title="Check endpoint"
        description="Sends a few marked test requests (some deliberately forged) and checks the receiver verifies, answers in time and deduplicates."
        actions={
          <Button onClick={() => run.mutate(undefined)} disabled={run.isPending}>
            {run.isPending ? "Checking…" : "Check endpoint"}
          </Button>
        }
      />
      <div aria-live="polite" className="px-4 sm:px-5">
        {run.isError && (
          <div className="py-3">
            <InlineError error={run.error} />
          </div>
        )}
        {result && !run.isPending && (
          <div className="py-2">
            <p className="pt-1 text-sm text-slate-700">
              {failed === 0 ? "The endpoint passed every check." : `${failed} of ${result.items.length} checks failed.`}{" "}
              <span className="font-mono text-xs text-slate-500">{result.event_id}</span>
            </p>
            <ul aria-label="Endpoint checklist" className="divide-y divide-slate-100">
              {result.items.map((item) => (
                <CheckItemRow key={item.key} item={item} />
              ))}
            </ul>
          </div>
        )}
      </div>
    </Card>
  );
}
