"use client";
// One account, for operators: its users, its portal branding, disable/enable and delete.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAccount } from "@/components/account-context";
import type { Account } from "@/components/api-types";
import { formatDateTime } from "@/components/format";
import { AccountUsers } from "@/components/accounts/account-users";
import { useAccountDetail, useAccountList, useOperatorMutation } from "@/components/accounts/operator-api";
import { PortalBrandingForm } from "@/components/accounts/portal-branding-form";
import { rateTone } from "@/components/accounts/accounts-page";
import { formatCount, formatPercent } from "@/components/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";

function BackLink() {
  return (
    <Link href="/accounts" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
      ← All accounts
    </Link>
  );
}

/** The account's health from the account list (webhooks, 24 h success, dead letters). */
function HealthLine({ id }: { id: string }) {
  const summary = useAccountList().data?.find((a) => a.id === id);
  if (!summary) return null;
  return (
    <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-500">
      <span>
        <strong className="font-semibold text-slate-800">{formatCount(summary.webhooks)}</strong> webhooks
      </span>
      <span>
        <strong className={cn("font-semibold", rateTone(summary.success_rate_24h))}>{formatPercent(summary.success_rate_24h)}</strong> succeeded (24 h)
      </span>
      <span>
        <strong className="font-semibold text-slate-800">{formatCount(summary.dead_letters)}</strong> dead letters waiting
      </span>
    </p>
  );
}

function AccountActions({ account, own }: { account: Account; own: boolean }) {
  const router = useRouter();
  const { accountId, setAccountId } = useAccount();
  const [confirm, setConfirm] = useState<"disable" | "delete" | null>(null);
  const toggle = useOperatorMutation<boolean>((disabled) => ({ method: "PATCH", path: `/api/accounts/${account.id}`, body: { disabled } }));
  const remove = useOperatorMutation<void>(() => ({ method: "DELETE", path: `/api/accounts/${account.id}` }));
  const close = () => {
    setConfirm(null);
    toggle.reset();
    remove.reset();
  };
  const disabled = account.disabled === true;

  return (
    <>
      <Button
        onClick={() => {
          setAccountId(account.id);
          router.push("/webhooks");
        }}
      >
        Open its webhooks
      </Button>
      {disabled ? (
        <Button variant="primary" onClick={() => toggle.mutate(false)} disabled={toggle.isPending}>
          {toggle.isPending ? "Enabling…" : "Enable account"}
        </Button>
      ) : (
        <Button onClick={() => setConfirm("disable")} disabled={own} title={own ? "You cannot disable your own account" : undefined}>
          Disable account
        </Button>
      )}
      <Button variant="danger" onClick={() => setConfirm("delete")} disabled={own} title={own ? "You cannot delete your own account" : undefined}>
        Delete account
      </Button>
      {toggle.isError && confirm === null && <InlineError error={toggle.error} />}
      <ConfirmDialog
        open={confirm === "disable"}
        onClose={close}
        onConfirm={() => toggle.mutate(true, { onSuccess: close })}
        pending={toggle.isPending}
        title="Disable account?"
        description={
          <>
            The API keys and users of <strong className="font-medium text-slate-900">{account.name}</strong> are refused until you enable it again. Its webhooks and data stay.
          </>
        }
        confirmLabel="Disable account"
        error={toggle.isError ? <InlineError error={toggle.error} /> : undefined}
      />
      <ConfirmDialog
        open={confirm === "delete"}
        onClose={close}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              if (accountId === account.id) setAccountId(null);
              router.push("/accounts");
            },
          })
        }
        pending={remove.isPending}
        title="Delete account?"
        description={
          <>
            <strong className="font-medium text-slate-900">{account.name}</strong> and everything it owns — webhooks, events, delivery history, integrations, API keys and users — are deleted. This cannot be undone.
          </>
        }
        confirmLabel="Delete account"
        error={remove.isError ? <InlineError error={remove.error} /> : undefined}
      />
    </>
  );
}

export function AccountDetail({ id }: { id: string }) {
  const { user } = useAccount();
  const account = useAccountDetail(id);
  if (account.isError) {
    return account.error.isNotFound ? (
      <EmptyState title="Account not found" description="It may have been deleted." action={<BackLink />} />
    ) : (
      <ErrorState error={account.error} onRetry={() => account.refetch()} title="Could not load the account" />
    );
  }
  if (account.isPending) return <Skeleton className="h-40 w-full" />;
  const a = account.data;
  const own = a.id === user.accountId;

  return (
    <>
      <div className="mb-3">
        <BackLink />
      </div>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {a.name}
            {a.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green" dot>Active</Badge>}
            {own && <Badge tone="indigo">Operator (yours)</Badge>}
          </span>
        }
        description={
          <>
            <span className="font-mono text-xs">{a.id}</span> · created {formatDateTime(a.created_at)}
            {a.disabled && a.disabled_at ? ` · disabled ${formatDateTime(a.disabled_at)}` : ""}
          </>
        }
        actions={<AccountActions account={a} own={own} />}
      >
        <HealthLine id={a.id} />
      </PageHeader>
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <AccountUsers accountId={a.id} />
        <PortalBrandingForm account={a} />
      </div>
    </>
  );
}
