"use client";
import { useState, type FormEvent } from "react";
import { ApiClientError } from "@/components/api-client";
import type { Integration } from "@/components/api-types";
import { useApiMutation } from "@/components/use-api";
import { SecretValue } from "@/components/ui/copy-button";
import { Dialog, DialogFooter, FormDialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { receiveUrl } from "@/components/integrations/receive-url";
import { createIntegrationInput } from "@/lib/inbound/integration-input";

type Errors = Record<string, string>;

function toErrors(issues: { path: string; message: string }[]): Errors {
  const errors: Errors = {};
  for (const i of issues) errors[i.path.split(".")[0] || "_form"] ??= i.message;
  return errors;
}

/** Register an inbound source; its webhook secret is shown once, here. */
export function CreateIntegrationDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [errors, setErrors] = useState<Errors>({});
  const [created, setCreated] = useState<Integration | null>(null);
  const create = useApiMutation((api, body: Record<string, unknown>) => api.post<Integration>("/api/integrations", body));

  const close = () => {
    setErrors({});
    setCreated(null);
    create.reset();
    onClose();
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const body: Record<string, unknown> = { source_system: text("source_system"), user_id: text("user_id") };
    if (text("name")) body.name = text("name");
    if (text("forward_as")) body.forward_as = text("forward_as");
    const parsed = createIntegrationInput.safeParse(body);
    if (!parsed.success) return setErrors(toErrors(parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }))));
    setErrors({});
    try {
      setCreated(await create.mutateAsync(body));
    } catch (error) {
      if (error instanceof ApiClientError && error.details.length) setErrors(toErrors(error.details));
      else setErrors({ _form: error instanceof Error ? error.message : "Saving failed." });
    }
  }

  if (created) {
    return (
      <Dialog open={open} onClose={close} title="Integration added" footer={<DialogFooter onAction={close} actionLabel="I've saved it" />}>
        <div className="flex flex-col gap-4 text-sm">
          <p className="text-slate-600">
            Give the sending system this URL and secret. It signs each request body with HMAC-SHA256 and sends <code className="font-mono text-xs">X-Webhook-Signature: sha256=&lt;hex&gt;</code>.
          </p>
          <div className="flex flex-col gap-1.5">
            <span className="font-medium text-slate-700">Receive URL</span>
            <SecretValue value={receiveUrl(created)} label="Receive URL" />
          </div>
          <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">The webhook secret is shown only this once.</div>
          <div className="flex flex-col gap-1.5">
            <span className="font-medium text-slate-700">Webhook secret</span>
            <SecretValue value={created.webhook_secret ?? ""} label="Webhook secret" />
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <FormDialog
      open={open}
      onClose={close}
      title="Add integration"
      description="An outside system (POS, accounting, payments) that posts signed webhooks to Hookrelay."
      onSubmit={onSubmit}
      submitLabel="Add integration"
      pendingLabel="Adding…"
      pending={create.isPending}
    >
      <Field label="Source system" error={errors.source_system} hint="Lowercase slug, e.g. pawoon. Part of the receive URL.">
        {(p) => <Input {...p} name="source_system" autoComplete="off" placeholder="pawoon" />}
      </Field>
      <Field label="User ID" error={errors.user_id} hint="Whose data the source sends. Part of the receive URL.">
        {(p) => <Input {...p} name="user_id" autoComplete="off" placeholder="merchant-42" />}
      </Field>
      <Field label="Name" error={errors.name} hint="Optional.">
        {(p) => <Input {...p} name="name" autoComplete="off" />}
      </Field>
      <Field label="Forward as" error={errors.forward_as} hint="Optional: re-publish processed events to your webhooks under this prefix.">
        {(p) => <Input {...p} name="forward_as" autoComplete="off" placeholder="pos" />}
      </Field>
      {errors._form && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {errors._form}
        </p>
      )}
    </FormDialog>
  );
}
