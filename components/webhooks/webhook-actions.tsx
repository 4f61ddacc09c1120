"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useScopedHref } from "@/components/api-scope";
import type { Webhook } from "@/components/api-types";
import { useApiMutation } from "@/components/use-api";
import { Button, ButtonLink } from "@/components/ui/button";
import { ConfirmDialog, Dialog, DialogFooter } from "@/components/ui/dialog";
import { InlineError } from "@/components/ui/error-state";
import { SecretBody } from "@/components/webhooks/secret-reveal";

export function WebhookActions({ webhook }: { webhook: Webhook }) {
  const router = useRouter();
  const href = useScopedHref();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [rotateOpen, setRotateOpen] = useState(false);
  const [newSecret, setNewSecret] = useState<string | null>(null);

  const toggle = useApiMutation((api, isActive: boolean) => api.patch<Webhook>(`/api/webhooks/${webhook.id}`, { is_active: isActive }));
  const remove = useApiMutation<void, null>((api) => api.del(`/api/webhooks/${webhook.id}`), { onSuccess: () => router.push(href("/webhooks")) });
  const rotate = useApiMutation<void, Webhook>((api) => api.post<Webhook>(`/api/webhooks/${webhook.id}/rotate-secret`), {
    onSuccess: (w) => setNewSecret(w.secret ?? null),
  });

  const closeRotate = () => {
    setRotateOpen(false);
    setNewSecret(null);
    rotate.reset();
  };

  return (
    <>
      <div className="flex flex-wrap items-center gap-2">
        <ButtonLink href={href(`/webhooks/${webhook.id}/edit`)}>Edit</ButtonLink>
        <Button onClick={() => setRotateOpen(true)}>Rotate secret</Button>
        <Button onClick={() => toggle.mutate(!webhook.is_active)} disabled={toggle.isPending}>
          {webhook.is_active ? "Disable" : "Enable"}
        </Button>
        <Button variant="danger" onClick={() => setConfirmDelete(true)}>
          Delete
        </Button>
      </div>
      {toggle.isError && <InlineError error={toggle.error} />}

      <ConfirmDialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        title="Delete webhook?"
        description={
          <>
            <strong className="font-medium text-slate-900">{webhook.name}</strong> and its delivery log, pending deliveries and dead letters are deleted. This cannot be
            undone.
          </>
        }
        confirmLabel="Delete webhook"
        error={remove.isError ? <InlineError error={remove.error} /> : undefined}
      />

      <Dialog
        open={rotateOpen}
        onClose={closeRotate}
        title={newSecret ? "New signing secret" : "Rotate signing secret?"}
        footer={
          newSecret ? (
            <DialogFooter onAction={closeRotate} actionLabel="I've saved it" />
          ) : (
            <DialogFooter onCancel={closeRotate} onAction={() => rotate.mutate()} actionLabel="Rotate secret" pendingLabel="Rotating…" pending={rotate.isPending} />
          )
        }
      >
        {newSecret ? (
          <SecretBody secret={newSecret} />
        ) : (
          <div className="space-y-3 text-sm text-slate-600">
            <p>A new secret signs every delivery from now on. The current secret keeps signing alongside it for 24 hours, so your receiver can switch over without failures.</p>
            {rotate.isError && <InlineError error={rotate.error} />}
          </div>
        )}
      </Dialog>
    </>
  );
}
