"use client";
import { useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

export function SignOutButton() {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // redirect: false, then navigate ourselves: next-auth's redirect URL is built from
        // NEXTAUTH_URL, which a self-hosted install often leaves unset.
        await signOut({ redirect: false });
        queryClient.clear();
        router.replace("/sign-in");
        router.refresh();
      }}
      className="whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-300 ring-1 ring-inset ring-slate-700 hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-400 disabled:opacity-60"
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
