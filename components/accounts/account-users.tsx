"use client";
// The users of one account: add (with a password or a one-time link), change role, send a new
// password link, remove.
import { useState, type FormEvent } from "react";
import { useAccount } from "@/components/account-context";
import { ApiClientError } from "@/components/api-client";
import type { AccountUser } from "@/components/api-types";
import { formatDateTime } from "@/components/format";
import { useAccountUsers, useOperatorMutation } from "@/components/accounts/operator-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { SecretValue } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { Field, Input, Select } from "@/components/ui/field";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Td, Tr } from "@/components/ui/table";

const COLUMNS = ["User", "Role", "Password", ""];

interface NewUser {
  email: string;
  name?: string;
  role: "admin" | "member";
  password?: string;
}

/** The one-time link, shown once after adding a user without a password or resetting one. */
function PasswordLinkDialog({ user, onClose }: { user: AccountUser | null; onClose: () => void }) {
  return (
    <Dialog open={user !== null} onClose={onClose} title="One-time password link" footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
      {user?.set_password_url && (
        <div className="flex flex-col gap-3 text-sm">
          <p className="text-slate-600">
            Send this link to <strong className="font-medium text-slate-900">{user.email}</strong>. It sets their password once and works until{" "}
            {formatDateTime(user.set_password_expires_at)} (72 hours). It is shown only now.
          </p>
          <SecretValue value={user.set_password_url} label="Set-password link" />
        </div>
      )}
    </Dialog>
  );
}

function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiClientError)) return { email: error instanceof Error ? error.message : "Adding the user failed." };
  const out: Record<string, string> = {};
  for (const d of error.details) out[d.path || "email"] ??= d.message;
  if (Object.keys(out).length === 0) out.email = error.message;
  return out;
}

function AddUserDialog({ accountId, open, onClose, onLink }: { accountId: string; open: boolean; onClose: () => void; onLink: (u: AccountUser) => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const add = useOperatorMutation<NewUser, AccountUser>((body) => ({ method: "POST", path: `/api/accounts/${accountId}/users`, body }));
  const close = () => {
    setErrors({});
    add.reset();
    onClose();
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const value = (k: string) => String(form.get(k) ?? "").trim();
    const body: NewUser = { email: value("email"), role: value("role") === "admin" ? "admin" : "member" };
    if (value("name")) body.name = value("name");
    if (String(form.get("password") ?? "")) body.password = String(form.get("password"));
    if (!body.email) return setErrors({ email: "email is required" });
    try {
      const user = await add.mutateAsync(body);
      close();
      if (user.set_password_url) onLink(user);
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  }

  return (
    <Dialog open={open} onClose={close} title="Add user" description="Without a password, you get a one-time link (valid 72 hours) for the person to choose one.">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <Field label="Email" error={errors.email}>
          {(p) => <Input {...p} name="email" type="email" autoComplete="off" maxLength={254} />}
        </Field>
        <Field label="Name" hint="Optional." error={errors.name}>
          {(p) => <Input {...p} name="name" autoComplete="off" maxLength={100} />}
        </Field>
        <Field label="Role" hint="A member sees only this account. An admin is an operator: they see and manage every account." error={errors.role}>
          {(p) => (
            <Select {...p} name="role" defaultValue="member">
              <option value="member">Member</option>
              <option value="admin">Admin (operator)</option>
            </Select>
          )}
        </Field>
        <Field label="Password" hint="Optional, at least 8 characters. Leave empty to get a one-time link instead." error={errors.password}>
          {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" maxLength={200} />}
        </Field>
        <div className="flex justify-end gap-2 pt-1">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add user"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function UserRow({ user, accountId, onLink, onRemove }: { user: AccountUser; accountId: string; onLink: (u: AccountUser) => void; onRemove: (u: AccountUser) => void }) {
  const { user: me } = useAccount();
  const update = useOperatorMutation<Record<string, unknown>, AccountUser>((body) => ({ method: "PATCH", path: `/api/accounts/${accountId}/users/${user.id}`, body }));
  return (
    <Tr>
      <Td>
        <div className="font-medium text-slate-900">{user.name ?? user.email}</div>
        {user.name && <div className="text-xs text-slate-500">{user.email}</div>}
        {user.id === me.id && <Badge tone="indigo">You</Badge>}
      </Td>
      <Td>
        <Select
          aria-label={`Role of ${user.email}`}
          value={user.role}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ role: e.target.value })}
          className="h-8 w-auto min-w-32 py-1"
        >
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </Select>
        {update.isError && <InlineError error={update.error} />}
      </Td>
      <Td>{user.password_set ? <Badge tone="green">Set</Badge> : <Badge tone="amber">Waiting for link</Badge>}</Td>
      <Td className="whitespace-nowrap text-right">
        <Button size="sm" variant="ghost" aria-label={`Reset password of ${user.email}`} disabled={update.isPending} onClick={() => update.mutate({ reset_password: true }, { onSuccess: onLink })}>
          Reset password
        </Button>
        <Button size="sm" variant="ghost" aria-label={`Remove ${user.email}`} onClick={() => onRemove(user)}>
          Remove
        </Button>
      </Td>
    </Tr>
  );
}

export function AccountUsers({ accountId }: { accountId: string }) {
  const users = useAccountUsers(accountId);
  const [adding, setAdding] = useState(false);
  const [link, setLink] = useState<AccountUser | null>(null);
  const [removing, setRemoving] = useState<AccountUser | null>(null);
  const remove = useOperatorMutation<AccountUser>((u) => ({ method: "DELETE", path: `/api/accounts/${accountId}/users/${u.id}` }));

  return (
    <Card>
      <CardHeader title="Users" description="Who signs in to this account." actions={<Button size="sm" variant="primary" onClick={() => setAdding(true)}>Add user</Button>} />
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} title="Could not load users" />
      ) : users.data?.length === 0 ? (
        <EmptyState title="No users yet" description="Add the merchant's first user: they get a link to choose a password." />
      ) : (
        <Table label="Users">
          <TableHead columns={COLUMNS} />
          {users.isPending ? (
            <TableSkeleton columns={COLUMNS.length} rows={2} />
          ) : (
            <tbody>
              {users.data.map((u) => (
                <UserRow key={u.id} user={u} accountId={accountId} onLink={setLink} onRemove={setRemoving} />
              ))}
            </tbody>
          )}
        </Table>
      )}
      <AddUserDialog accountId={accountId} open={adding} onClose={() => setAdding(false)} onLink={setLink} />
      <PasswordLinkDialog user={link} onClose={() => setLink(null)} />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing, { onSuccess: () => setRemoving(null) })}
        pending={remove.isPending}
        title="Remove user?"
        description={
          <>
            <strong className="font-medium text-slate-900">{removing?.email}</strong> can no longer sign in; a session they have open stops working.
          </>
        }
        confirmLabel="Remove user"
        error={remove.isError ? <InlineError error={remove.error} /> : undefined}
      />
    </Card>
  );
}
