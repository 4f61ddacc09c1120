"use client";
import { useState, type FormEvent } from "react";
import { useApiScope } from "@/components/api-scope";
import type { DeadLetter, ReplayPreview, ReplayResult } from "@/components/api-types";
import { formatDateTime, formatRelative, toDateTimeLocal } from "@/components/format";
import { useApiList, useApiMutation } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { InlineError } from "@/components/ui/error-state";
import { Field, Input } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { EventCell } from "@/components/webhooks/event-cell";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Event", "Reason", "Failed", "Replayed"];

/** Deliveries whose retry policy ran out; Replay queues the event to this webhook again. */
export function DeadLetters({ webhookId }: { webhookId: string }) {
  const letters = useApiList<DeadLetter>(`/api/webhooks/${webhookId}/replay?limit=25`, { refetchInterval: 2_000 });
  const { canManage } = useApiScope();
  const columns = canManage ? [...COLUMNS, ""] : COLUMNS;
  const [since, setSince] = useState(() => toDateTimeLocal(new Date(Date.now() - 24 * 3600 * 1000)));
  const [message, setMessage] = useState<string | null>(null);
  // Replay all since… first asks what it would replay (dry_run), shows it, then asks to confirm.
  const [preview, setPreview] = useState<(ReplayPreview & { since: string }) | null>(null);
  const replay = useApiMutation((api, body: { failure_id: string } | { since: string }) => api.post<ReplayResult>(`/api/webhooks/${webhookId}/replay`, body), {
    onSuccess: (r) => {
      setPreview(null);
      setMessage(r.replayed === 0 ? "Nothing to replay since then." : `Replayed ${r.replayed} ${r.replayed === 1 ? "delivery" : "deliveries"}.`);
    },
  });
  const previewReplay = useApiMutation(
    (api, body: { since: string }) => api.post<ReplayPreview>(`/api/webhooks/${webhookId}/replay`, { ...body, dry_run: true }).then((p) => ({ ...p, since: body.since })),
    { onSuccess: (p) => (p.count === 0 ? setMessage("Nothing to replay since then.") : setPreview(p)) },
  );

  function replayAll(e: FormEvent) {
    e.preventDefault();
    const date = new Date(since);
    if (Number.isNaN(date.getTime())) return setMessage("Pick a date and time.");
    setMessage(null);
    previewReplay.mutate({ since: date.toISOString() });
  }

  return (
    <div>
      {canManage && (
        <form onSubmit={replayAll} className="flex flex-wrap items-end gap-3 px-4 py-3 sm:px-5">
          <Field label="Replay all since" className="w-60">
            {(p) => <Input {...p} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />}
          </Field>
          <Button type="submit" disabled={replay.isPending || previewReplay.isPending}>
            {previewReplay.isPending ? "Looking…" : "Replay all"}
          </Button>
          <div aria-live="polite" className="min-h-5 basis-full text-sm text-slate-600 sm:basis-auto">
            {replay.isError && !preview ? <InlineError error={replay.error} /> : previewReplay.isError ? <InlineError error={previewReplay.error} /> : message}
          </div>
        </form>
      )}
      <ConfirmDialog
        open={preview !== null}
        onClose={() => setPreview(null)}
        onConfirm={() => preview && replay.mutate({ since: preview.since })}
        title={`Replay ${preview?.count ?? 0} dead ${preview?.count === 1 ? "letter" : "letters"}?`}
        description={preview && <ReplayPreviewList preview={preview} />}
        confirmLabel={`Replay ${preview?.count ?? 0}`}
        pending={replay.isPending}
        error={replay.isError ? <InlineError error={replay.error} /> : undefined}
        tone="primary"
      />
      <TableShell
        label="Dead letters"
        columns={columns}
        query={letters}
        skeletonRows={3}
        errorTitle="Could not load dead letters"
        empty={<EmptyState title="No dead letters" description="Deliveries that exhaust their retry policy land here, ready to be replayed." />}
      >
        {(d) => (
          <Tr key={d.id}>
            <EventCell type={d.event} id={d.event_id} />
            <Td className="max-w-80">
              <span className="block truncate text-slate-600" title={d.reason}>
                {d.reason}
              </span>
            </Td>
            <Td className="text-slate-500">
              <RelativeTime iso={d.failed_at} />
            </Td>
            <Td>
              {d.replayed_at ? (
                <Badge tone="indigo" title={formatDateTime(d.replayed_at)}>
                  Replayed {formatRelative(d.replayed_at)}
                </Badge>
              ) : (
                <span className="text-slate-400">Not yet</span>
              )}
            </Td>
            {canManage && (
              <Td className="text-right">
                <Button
                  size="sm"
                  onClick={() => {
                    setMessage(null);
                    replay.mutate({ failure_id: d.id });
                  }}
                  disabled={replay.isPending}
                >
                  Replay
                </Button>
              </Td>
            )}
          </Tr>
        )}
      </TableShell>
      <LoadMore query={letters} />
    </div>
  );
}

/** What Replay all since… would queue: the count and the first 20, oldest first. */
function ReplayPreviewList({ preview }: { preview: ReplayPreview & { since: string } }) {
  return (
    <div className="space-y-2">
      <p>
        Each of these events is queued again to this webhook as a new delivery, marked with the <code className="font-mono text-xs">webhook-replay</code> header. Dead letters since{" "}
        {formatDateTime(preview.since)} that were already replayed are left out.
      </p>
      <ul aria-label="Dead letters to replay" className="max-h-72 divide-y divide-slate-100 overflow-y-auto rounded-md ring-1 ring-slate-200">
        {preview.items.map((item) => (
          <li key={item.dead_letter_id} className="px-3 py-2">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <span className="font-mono text-xs text-slate-800">{item.event}</span>
              {item.failed_at && (
                <span className="text-xs text-slate-500">
                  <RelativeTime iso={item.failed_at} />
                </span>
              )}
            </div>
            <span className="block font-mono text-[11px] text-slate-400">{item.event_id}</span>
            <span className="block truncate text-xs text-slate-600" title={item.reason ?? undefined}>
              {item.reason}
            </span>
          </li>
        ))}
      </ul>
      {preview.count > preview.items.length && <p className="text-xs text-slate-500">…and {preview.count - preview.items.length} more.</p>}
    </div>
  );
}
