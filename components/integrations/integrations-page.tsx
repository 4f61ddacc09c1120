"use client";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import type { Integration } from "@/components/api-types";
import { useApiMutation, useApiQuery } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { InlineError } from "@/components/ui/error-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { CreateIntegrationDialog } from "@/components/integrations/create-integration-dialog";
import { InboundEvents } from "@/components/integrations/inbound-events";
import { receiveUrl } from "@/components/integrations/receive-url";

const COLUMNS = ["Integration", "Receive URL", "Status", "Received", "Created", ""];

export function IntegrationsPage() {
  const list = useApiQuery<Integration[]>("/api/integrations?limit=100", { refetchInterval: 10_000 });
  const [creating, setCreating] = useState(false);
  // `?integration=<id>` (the event browser's link to an event's source) opens that integration's events until another is picked.
  const linked = useSearchParams().get("integration");
  const [picked, setSelectedId] = useState<string | null | undefined>(undefined);
  const selectedId = picked === undefined ? linked : picked;
  const [deleting, setDeleting] = useState<Integration | null>(null);
  const toggle = useApiMutation((api, i: Integration) => api.patch<Integration>(`/api/integrations/${i.id}`, { is_active: !i.is_active }));
  const remove = useApiMutation((api, i: Integration) => api.del(`/api/integrations/${i.id}`), {
    onSuccess: (_, i) => {
      setDeleting(null);
      if (selectedId === i.id) setSelectedId(null);
    },
  });

  // This server may not have the integrations API (older build): say so instead of an error.
  const unavailable = list.isError && list.error.status === 404;
  const selected = list.data?.find((i) => i.id === selectedId) ?? null;

  return (
    <>
      <PageHeader
        title="Integrations"
        description="Outside systems (POS, accounting, payments) that send signed webhooks to Hookrelay, and what they sent."
        actions={
          !unavailable && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              Add integration
            </Button>
          )
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          {unavailable ? (
            <EmptyState title="Integrations are not available on this server" description="This Hookrelay build has no inbound integrations API yet." />
          ) : (
            <TableShell
              label="Integrations"
              columns={COLUMNS}
              query={list}
              skeletonRows={3}
              errorTitle="Could not load integrations"
              empty={
                <EmptyState
                  title="No integrations yet"
                  description="Add one to get a receive URL and a secret for the sending system."
                  action={
                    <Button variant="primary" onClick={() => setCreating(true)}>
                      Add integration
                    </Button>
                  }
                />
              }
            >
              {(i) => (
                <Tr key={i.id} className={selectedId === i.id ? "bg-indigo-50/40" : undefined}>
                  <Td>
                    <span className="block font-medium text-slate-900">{i.name ?? i.source_system}</span>
                    <span className="block font-mono text-xs text-slate-500">
                      {i.source_system} / {i.user_id}
                    </span>
                  </Td>
                  <Td className="max-w-80">
                    <div className="flex items-center gap-2">
                      <span className="truncate font-mono text-xs text-slate-600" title={receiveUrl(i)}>
                        {receiveUrl(i)}
                      </span>
                      <CopyButton value={receiveUrl(i)} label="Copy URL" />
                    </div>
                  </Td>
                  <Td>
                    <Badge tone={i.is_active ? "green" : "slate"} dot>
                      {i.is_active ? "Active" : "Disabled"}
                    </Badge>
                  </Td>
                  <Td className="tabular-nums text-slate-600">
                    {i.stats ? (
                      <span title={`${i.stats.processed} processed, ${i.stats.pending} pending, ${i.stats.dead} dead`}>
                        {i.stats.received}
                        {i.stats.dead > 0 && <span className="ml-1 text-xs text-red-600">({i.stats.dead} dead)</span>}
                      </span>
                    ) : (
                      "—"
                    )}
                  </Td>
                  <Td className="text-slate-500">
                    <RelativeTime iso={i.created_at} />
                  </Td>
                  <Td className="text-right">
                    <div className="flex justify-end gap-1">
                      <Button size="sm" onClick={() => setSelectedId(selectedId === i.id ? null : i.id)} aria-pressed={selectedId === i.id}>
                        Events
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => toggle.mutate(i)} disabled={toggle.isPending}>
                        {i.is_active ? "Disable" : "Enable"}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(i)}>
                        Delete
                      </Button>
                    </div>
                  </Td>
                </Tr>
              )}
            </TableShell>
          )}
          {toggle.isError && (
            <div className="px-5 pb-3">
              <InlineError error={toggle.error} />
            </div>
          )}
        </Card>
        {selected && <InboundEvents key={selected.id} integration={selected} />}
      </div>
      <CreateIntegrationDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        pending={remove.isPending}
        title="Delete integration?"
        description="Its receive URL stops accepting requests and its received events are deleted. This cannot be undone."
        confirmLabel="Delete integration"
        error={remove.isError ? <InlineError error={remove.error} /> : undefined}
      />
    </>
  );
}
