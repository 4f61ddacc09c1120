"use client";
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ACCOUNT_DISABLED_SIGN_IN } from "@/lib/auth/account-disabled";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

/** Only same-site paths: a callbackUrl must not send a person to another site after sign-in. */
function safeCallback(value: string | null): string {
  if (!value) return "/webhooks";
  try {
    const url = new URL(value, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname.startsWith("/sign-in")) return "/webhooks";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/webhooks";
  }
}

export function SignInForm() {
  const params = useSearchParams();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { redirect: false, email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") });
      if (!result || result.error || !result.ok) {
        setError(
          result?.error === ACCOUNT_DISABLED_SIGN_IN
            ? "This account is disabled. Ask your operator to enable it again."
            : result?.error === "CredentialsSignin" || result?.status === 401
              ? "Wrong email or password."
              : "Sign-in failed. Try again.",
        );
        setPending(false);
        return;
      }
      router.replace(safeCallback(params.get("callbackUrl")));
      router.refresh();
    } catch {
      setError("Could not reach the server. Try again.");
      setPending(false);
    }
  }

  const passwordSet = params.get("password_set") === "1";
  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4" noValidate={false}>
      {passwordSet && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Your password is set. Sign in with it.
        </p>
      )}
      <Field label="Email">
        {(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus={!passwordSet} defaultValue={params.get("email") ?? undefined} />}
      </Field>
      <Field label="Password">{(p) => <Input {...p} name="password" type="password" autoComplete="current-password" required />}</Field>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={pending} className="mt-1 w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
