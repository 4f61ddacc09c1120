import Link from "next/link";
import { ApiClientError } from "@/components/api-client";
import { Button } from "@/components/ui/button";

/** What went wrong loading something, with a way forward (retry, or sign in when the session ended). */
export function ErrorState({ error, onRetry, title = "Something went wrong" }: { error: unknown; onRetry?: () => void; title?: string }) {
  const message = error instanceof Error ? error.message : "Unexpected error.";
  const signedOut = error instanceof ApiClientError && error.status === 401;
  return (
    <div role="alert" className="flex flex-col items-center gap-2 px-6 py-10 text-center">
      <p className="text-sm font-semibold text-slate-900">{signedOut ? "Signed out" : title}</p>
      <p className="max-w-md text-sm text-slate-500">{message}</p>
      <div className="mt-2">
        {signedOut ? (
          <Link href="/sign-in" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
            Sign in
          </Link>
        ) : (
          onRetry && (
            <Button size="sm" onClick={onRetry}>
              Try again
            </Button>
          )
        )}
      </div>
    </div>
  );
}

/** An inline error line for a failed action. */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-red-600">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}
