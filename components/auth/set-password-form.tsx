"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiData, ApiClientError } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

/** Chooses the password with a one-time link's token, then goes to sign-in. */
export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = String(form.get("password") ?? "");
    if (password.length < 8) return setError("A password needs at least 8 characters.");
    if (password !== String(form.get("confirm") ?? "")) return setError("The two passwords differ.");
    setPending(true);
    setError(null);
    try {
      await apiData("/api/set-password", { method: "POST", body: { token, password } });
      router.replace(`/sign-in?password_set=1&email=${encodeURIComponent(email)}`);
    } catch (err) {
      setError(err instanceof ApiClientError && err.details[0] ? err.details[0].message : err instanceof Error ? err.message : "Setting the password failed.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4">
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field label="New password" hint="At least 8 characters.">
        {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={200} autoFocus />}
      </Field>
      <Field label="Repeat the password">{(p) => <Input {...p} name="confirm" type="password" autoComplete="new-password" required maxLength={200} />}</Field>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={pending} className="mt-1 w-full">
        {pending ? "Saving…" : "Set password"}
      </Button>
    </form>
  );
}
