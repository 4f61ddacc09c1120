"use client";
// An account's portal branding (display name, accent colour, logo URL) with a live preview of
// the merchant portal's header.
import { useState, type FormEvent } from "react";
import { ApiClientError } from "@/components/api-client";
import type { Account, PortalBranding } from "@/components/api-types";
import { useOperatorMutation } from "@/components/accounts/operator-api";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { InlineError } from "@/components/ui/error-state";
import { Field, Input } from "@/components/ui/field";

const DEFAULT_ACCENT = "#4f46e5";
const HEX = /^#[0-9a-fA-F]{6}$/;

/** What the merchant will see at the top of their portal. */
function BrandingPreview({ name, accent, logo }: { name: string; accent: string; logo: string }) {
  const colour = HEX.test(accent) ? accent : DEFAULT_ACCENT;
  const [broken, setBroken] = useState<string | null>(null);
  const showLogo = /^https:\/\/./.test(logo) && broken !== logo;
  return (
    <figure aria-label="Portal preview" className="overflow-hidden rounded-md border border-slate-200">
      <div className="flex items-center gap-2.5 border-b border-slate-100 bg-white px-3 py-2.5" style={{ borderTop: `3px solid ${colour}` }}>
        {showLogo ? (
          // eslint-disable-next-line @next/next/no-img-element -- an arbitrary https URL the operator typed, not a static asset
          <img src={logo} alt="" className="size-7 rounded object-contain" onError={() => setBroken(logo)} />
        ) : (
          <span aria-hidden className="flex size-7 items-center justify-center rounded text-xs font-bold text-white" style={{ backgroundColor: colour }}>
            {name.slice(0, 1).toUpperCase()}
          </span>
        )}
        <span className="truncate text-sm font-semibold text-slate-900">{name}</span>
      </div>
      <div className="flex items-center justify-between gap-2 bg-slate-50 px-3 py-3">
        <span className="text-xs text-slate-500">Webhooks · delivery health</span>
        <span className="rounded px-2 py-1 text-xs font-medium text-white" style={{ backgroundColor: colour }}>
          Create webhook
        </span>
      </div>
      <figcaption className="sr-only">How the merchant portal&apos;s header will look</figcaption>
    </figure>
  );
}

function errorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiClientError)) return { form: error instanceof Error ? error.message : "Saving failed." };
  const out: Record<string, string> = {};
  for (const d of error.details) out[d.path.replace(/^portal_branding\.?/, "") || "form"] ??= d.message;
  return Object.keys(out).length ? out : { form: error.message };
}

export function PortalBrandingForm({ account }: { account: Account }) {
  const saved = account.portal_branding ?? null;
  const [name, setName] = useState(saved?.display_name ?? "");
  const [accent, setAccent] = useState(saved?.accent_color ?? "");
  const [logo, setLogo] = useState(saved?.logo_url ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useOperatorMutation<PortalBranding | null, Account>((portal_branding) => ({ method: "PATCH", path: `/api/accounts/${account.id}`, body: { portal_branding } }));

  async function submit(branding: PortalBranding | null) {
    setErrors({});
    try {
      await save.mutateAsync(branding);
    } catch (err) {
      setErrors(errorsOf(err));
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (accent && !HEX.test(accent)) return setErrors({ accent_color: "a colour as #rrggbb" });
    void submit({ display_name: name.trim() || null, accent_color: accent || null, logo_url: logo.trim() || null });
  }

  function clear() {
    setName("");
    setAccent("");
    setLogo("");
    void submit(null);
  }

  return (
    <Card>
      <CardHeader title="Portal branding" description="How this merchant's portal looks." />
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4 px-4 py-4 sm:px-5">
        <Field label="Display name" hint={`Shown instead of “${account.name}”.`} error={errors.display_name}>
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder={account.name} />}
        </Field>
        <Field label="Accent colour" hint="#rrggbb" error={errors.accent_color}>
          {(p) => (
            <div className="flex items-center gap-2">
              <input
                type="color"
                aria-label="Pick the accent colour"
                value={HEX.test(accent) ? accent : DEFAULT_ACCENT}
                onChange={(e) => setAccent(e.target.value)}
                className="h-9 w-11 shrink-0 cursor-pointer rounded-md border-0 bg-white p-1 ring-1 ring-inset ring-slate-300"
              />
              <Input {...p} value={accent} onChange={(e) => setAccent(e.target.value.trim())} maxLength={7} placeholder={DEFAULT_ACCENT} className="font-mono" />
            </div>
          )}
        </Field>
        <Field label="Logo URL" hint="An https:// image, square works best." error={errors.logo_url}>
          {(p) => <Input {...p} type="url" value={logo} onChange={(e) => setLogo(e.target.value)} maxLength={2000} placeholder="https://…/logo.png" />}
        </Field>
        <BrandingPreview name={name.trim() || account.name} accent={accent} logo={logo.trim()} />
        {errors.form && <InlineError error={errors.form} />}
        {save.isSuccess && !save.isPending && (
          <p role="status" className="text-sm text-emerald-700">
            Branding saved.
          </p>
        )}
        <div className="flex justify-end gap-2">
          {saved && (
            <Button onClick={clear} disabled={save.isPending}>
              Clear branding
            </Button>
          )}
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save branding"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
