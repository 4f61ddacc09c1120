"use client";
// The operators' Accounts page: every account with its delivery health, and a way to create one.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useAccount } from "@/components/account-context";
import { ApiClientError } from "@/components/api-client";
import type { Account, AccountSummary } from "@/components/api-types";
import { formatCount, formatDateTime, formatPercent, formatRelative } from "@/components/format";
import { useAccountList, useOperatorMutation } from "@/components/accounts/operator-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field, Input } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Td, Tr } from "@/components/ui/table";

const COLUMNS = ["Account", "Status", "Webhooks", "Users", "Success (24 h)", "Dead letters", "Created"];

export function rateTone(rate: number | null) {
  if (rate === null) return "text-slate-400";
  if (rate >= 0.99) return "text-emerald-700";
  if (rate >= 0.9) return "text-amber-700";
  return "text-red-700";
}

function CreateAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const create = useOperatorMutation<{ name: string }, Account>((body) => ({ method: "POST", path: "/api/accounts", body }));
  const close = () => {
    setError(null);
    create.reset();
    onClose();
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "").trim();
    if (!name) return setError("name is required");
    setError(null);
    try {
      const account = await create.mutateAsync({ name });
      close();
      router.push(`/accounts/${account.id}`);
    } catch (err) {
      setError(err instanceof ApiClientError && err.details[0] ? err.details[0].message : err instanceof Error ? err.message : "Creating the account failed.");
    }
  }

  return (
    <Dialog open={open} onClose={close} title="Create account" description="A merchant's account: its own webhooks, users and portal. Add its users next.">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <Field label="Account name" error={error ?? undefined} hint="The merchant's name, e.g. “Acme Coffee”.">
          {(p) => <Input {...p} name="name" autoComplete="off" maxLength={100} />}
        </Field>
        <div className="flex justify-end gap-2 pt-1">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create account"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function AccountRow({ account, own }: { account: AccountSummary; own: boolean }) {
  return (
    <Tr className={account.disabled ? "bg-slate-50/60" : undefined}>
      <Td>
        <div className="flex items-center gap-2.5">
          <span
            aria-hidden
            className="flex size-7 shrink-0 items-center justify-center rounded-md text-xs font-semibold text-white"
            style={{ backgroundColor: account.portal_branding?.accent_color ?? "#64748b" }}
          >
            {(account.portal_branding?.display_name ?? account.name).slice(0, 1).toUpperCase()}
          </span>
          <div className="min-w-0">
            <Link href={`/accounts/${account.id}`} className="font-medium text-slate-900 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600">
              {account.name}
            </Link>
            <div className="font-mono text-xs text-slate-400">{account.id}</div>
          </div>
          {own && <Badge tone="indigo">Operator (yours)</Badge>}
        </div>
      </Td>
      <Td>
        {account.disabled ? (
          <Badge tone="red" title={account.disabled_at ? `Disabled ${formatDateTime(account.disabled_at)}` : undefined}>
            Disabled
          </Badge>
        ) : (
          <Badge tone="green" dot>
            Active
          </Badge>
        )}
      </Td>
      <Td className="tabular-nums">{formatCount(account.webhooks)}</Td>
      <Td className="tabular-nums">{formatCount(account.users)}</Td>
      <Td>
        <span className={cn("font-medium tabular-nums", rateTone(account.success_rate_24h))}>{formatPercent(account.success_rate_24h)}</span>
        {account.attempts_24h > 0 && <span className="ml-1.5 text-xs text-slate-400">of {formatCount(account.attempts_24h)}</span>}
      </Td>
      <Td className="tabular-nums">
        {account.dead_letters > 0 ? <Badge tone="amber">{formatCount(account.dead_letters)} waiting</Badge> : <span className="text-slate-400">0</span>}
      </Td>
      <Td className="text-slate-500">
        <time dateTime={account.created_at} title={formatDateTime(account.created_at)}>
          {formatRelative(account.created_at)}
        </time>
      </Td>
    </Tr>
  );
}

export function AccountsPage() {
  const { user } = useAccount();
  const accounts = useAccountList();
  const [creating, setCreating] = useState(false);
  const merchants = accounts.data?.filter((a) => a.id !== user.accountId) ?? [];
  const own = accounts.data?.find((a) => a.id === user.accountId);

  return (
    <>
      <PageHeader
        title="Accounts"
        description="Merchant accounts: their webhooks and delivery health, their users and the branding of their portal."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create account
          </Button>
        }
      />
      <Card>
        {accounts.isError ? (
          <ErrorState error={accounts.error} onRetry={() => accounts.refetch()} title="Could not load accounts" />
        ) : accounts.data && merchants.length === 0 && !own ? (
          <EmptyState title="No accounts" />
        ) : (
          <Table label="Accounts">
            <TableHead columns={COLUMNS} />
            {accounts.isPending ? (
              <TableSkeleton columns={COLUMNS.length} rows={3} />
            ) : (
              <tbody>
                {merchants.map((a) => (
                  <AccountRow key={a.id} account={a} own={false} />
                ))}
                {own && <AccountRow account={own} own />}
              </tbody>
            )}
          </Table>
        )}
        {accounts.data && merchants.length === 0 && (
          <p className="border-t border-slate-100 px-4 py-3 text-sm text-slate-500">No merchant accounts yet. Create one to give a merchant their own webhooks and sign-in.</p>
        )}
      </Card>
      <CreateAccountDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
