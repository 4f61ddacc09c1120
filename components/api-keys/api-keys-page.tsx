"use client";
import { useState, type FormEvent } from "react";
import { useAccount } from "@/components/account-context";
import { ApiClientError } from "@/components/api-client";
import type { ApiKey } from "@/components/api-types";
import { formatDateTime } from "@/components/format";
import { useApiMutation, useApiQuery } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SecretValue } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog, DialogFooter, FormDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { InlineError } from "@/components/ui/error-state";
import { Field, Input, Select } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";

const COLUMNS = ["Name", "Key", "Role", "Created", "Last used", "Status", ""];

function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { user } = useAccount();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiKey | null>(null);
  const create = useApiMutation((api, body: { name: string; role: string }) => api.post<ApiKey>("/api/api-keys", body));
  const close = () => {
    setError(null);
    setCreated(null);
    create.reset();
    onClose();
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    if (!name) return setError("name is required");
    if (name.length > 100) return setError("at most 100 characters");
    setError(null);
    try {
      setCreated(await create.mutateAsync({ name, role: String(form.get("role") ?? "member") }));
    } catch (err) {
      setError(err instanceof ApiClientError && err.details[0] ? err.details[0].message : err instanceof Error ? err.message : "Creating the key failed.");
    }
  }

  if (created?.key) {
    return (
      <Dialog open={open} onClose={close} title="API key created" footer={<DialogFooter onAction={close} actionLabel="I've saved it" />}>
        <div className="flex flex-col gap-3 text-sm">
          <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">Copy the key now. It is shown only this once; Hookrelay keeps only its hash.</div>
          <div className="flex flex-col gap-1.5">
            <span className="font-medium text-slate-700">API key “{created.name}”</span>
            <SecretValue value={created.key} label="API key" />
          </div>
          <p className="text-slate-500">
            Send it as <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>.
          </p>
        </div>
      </Dialog>
    );
  }

  return (
    <FormDialog
      open={open}
      onClose={close}
      title="Create API key"
      description="For integrators calling the REST API (publishing events, managing webhooks)."
      onSubmit={onSubmit}
      submitLabel="Create key"
      pendingLabel="Creating…"
      pending={create.isPending}
    >
      <Field label="Name" error={error ?? undefined} hint="What uses it, e.g. “Order service”.">
        {(p) => <Input {...p} name="name" autoComplete="off" maxLength={100} />}
      </Field>
      {user.role === "admin" && (
        <Field label="Role" hint="An admin key can act on every account.">
          {(p) => (
            <Select {...p} name="role" defaultValue="member">
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </Select>
          )}
        </Field>
      )}
    </FormDialog>
  );
}

export function ApiKeysPage() {
  const keys = useApiQuery<ApiKey[]>("/api/api-keys");
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useApiMutation((api, key: ApiKey) => api.del(`/api/api-keys/${key.id}`), { onSuccess: () => setRevoking(null) });

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for the REST API. A key is shown once when it is created; revoke one that leaked."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create API key
          </Button>
        }
      />
      <Card>
        <TableShell
          label="API keys"
          columns={COLUMNS}
          query={keys}
          skeletonRows={3}
          errorTitle="Could not load API keys"
          empty={<EmptyState title="No API keys" description="Create a key to publish events and manage webhooks from your code." />}
        >
          {(k) => (
            <Tr key={k.id} className={k.revoked_at ? "text-slate-400" : undefined}>
              <Td className="font-medium text-slate-900">{k.name}</Td>
              <Td>
                <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{k.prefix}…</code>
              </Td>
              <Td>
                <Badge tone={k.role === "admin" ? "indigo" : "slate"}>{k.role === "admin" ? "Admin" : "Member"}</Badge>
              </Td>
              <Td className="text-slate-500">
                <RelativeTime iso={k.created_at} />
              </Td>
              <Td className="text-slate-500">
                <RelativeTime iso={k.last_used_at} never="Never" />
              </Td>
              <Td>
                {k.revoked_at ? (
                  <Badge tone="red" title={formatDateTime(k.revoked_at)}>
                    Revoked
                  </Badge>
                ) : (
                  <Badge tone="green" dot>
                    Active
                  </Badge>
                )}
              </Td>
              <Td className="text-right">
                {!k.revoked_at && (
                  <Button size="sm" variant="ghost" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </Button>
                )}
              </Td>
            </Tr>
          )}
        </TableShell>
      </Card>
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        pending={revoke.isPending}
        title="Revoke API key?"
        description={
          <>
            Requests with <strong className="font-medium text-slate-900">{revoking?.name}</strong> ({revoking?.prefix}…) fail from now on. This cannot be undone.
          </>
        }
        confirmLabel="Revoke key"
        error={revoke.isError ? <InlineError error={revoke.error} /> : undefined}
      />
    </>
  );
}
