"use client";
// A modal dialog on the native <dialog>: showModal() makes the rest of the page inert (focus
// stays inside), Escape closes it, and focus returns to where it was.
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  side = false,
  className,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  /** A drawer from the right edge instead of a centred dialog. */
  side?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Start in the first field of a form; otherwise the browser's choice (the first button).
      dialog.querySelector<HTMLElement>("[data-dialog-body] :is(input:not([readonly]):not([type=hidden]), select, textarea)")?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its panel) closes it.
        if (e.target === ref.current) onClose();
      }}
      className={cn(
        "m-0 max-h-none max-w-none bg-transparent p-0 backdrop:bg-slate-900/40 open:flex",
        "h-dvh w-full", side ? "justify-end" : "items-center justify-center p-4",
      )}
    >
      {open && (
        <div
          className={cn(
            "flex flex-col overflow-hidden bg-white shadow-xl",
            side ? "h-full w-full sm:w-[36rem]" : "max-h-[calc(100dvh-2rem)] w-full max-w-lg rounded-lg",
            className,
          )}
        >
          <div className="flex items-start justify-between gap-4 border-b border-slate-100 px-5 py-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-base font-semibold text-slate-900">
                {title}
              </h2>
              {description && (
                <p id={descriptionId} className="mt-1 text-sm text-slate-500">
                  {description}
                </p>
              )}
            </div>
            <button
              type="button"
              onClick={onClose}
              aria-label="Close"
              className="-m-1 rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="size-5">
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              </svg>
            </button>
          </div>
          <div data-dialog-body className="min-h-0 flex-1 overflow-y-auto px-5 py-4">
            {children}
          </div>
          {footer && <div className="flex flex-wrap justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">{footer}</div>}
        </div>
      )}
    </dialog>
  );
}

/** "Are you sure?" with a named confirm button. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  pending,
  error,
  tone = "danger",
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pending?: boolean;
  error?: ReactNode;
  tone?: "danger" | "primary";
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      footer={<DialogFooter onCancel={onClose} onAction={onConfirm} actionLabel={confirmLabel} pending={pending} tone={tone} />}
    >
      <div className="space-y-3 text-sm text-slate-600">
        <div>{description}</div>
        {error}
      </div>
    </Dialog>
  );
}

/**
 * A dialog's buttons, for its `footer`: Cancel (when `onCancel` is given) and the action, which
 * reads `pendingLabel` while it runs. Without `onAction` the action submits the form named `form`.
 */
export function DialogFooter({
  onCancel,
  onAction,
  form,
  actionLabel,
  pendingLabel = "Working…",
  pending = false,
  tone = "primary",
}: {
  onCancel?: () => void;
  onAction?: () => void;
  form?: string;
  actionLabel: string;
  pendingLabel?: string;
  pending?: boolean;
  tone?: "primary" | "danger";
}) {
  return (
    <>
      {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      <Button type={onAction ? "button" : "submit"} form={onAction ? undefined : form} variant={tone} onClick={onAction} disabled={pending}>
        {pending ? pendingLabel : actionLabel}
      </Button>
    </>
  );
}

/** A dialog around one form, with Cancel and the form's submit button in its footer. */
export function FormDialog({
  open,
  onClose,
  title,
  description,
  onSubmit,
  submitLabel,
  pendingLabel,
  pending,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  children: ReactNode;
}) {
  const formId = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      footer={<DialogFooter onCancel={onClose} form={formId} actionLabel={submitLabel} pendingLabel={pendingLabel} pending={pending} />}
    >
      <form id={formId} onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        {children}
      </form>
    </Dialog>
  );
}
