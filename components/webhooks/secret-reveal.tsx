"use client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SecretValue } from "@/components/ui/copy-button";

/** A signing secret, shown once after create; the page moves on only when the user says it is saved. */
export function SecretReveal({ title, description, secret, onDone }: { title: string; description: string; secret: string; onDone: () => void }) {
  return (
    <Card className="mx-auto max-w-2xl">
      <div className="flex flex-col gap-4 p-5 sm:p-6">
        <div>
          <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
          <p className="mt-1 text-sm text-slate-500">{description}</p>
        </div>
        <SecretBody secret={secret} />
        <div className="flex justify-end">
          <Button variant="primary" onClick={onDone} autoFocus>
            I&apos;ve saved it
          </Button>
        </div>
      </div>
    </Card>
  );
}

export function SecretBody({ secret }: { secret: string }) {
  return (
    <div className="flex flex-col gap-3">
      <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Copy the signing secret now. It is shown only this once; your receiver uses it to verify signatures.
      </div>
      <div className="flex flex-col gap-1.5">
        <span className="text-sm font-medium text-slate-700">Signing secret</span>
        <SecretValue value={secret} label="Signing secret" />
      </div>
    </div>
  );
}
