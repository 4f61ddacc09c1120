import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { sessionIsAdmin } from "@/lib/auth/session";
import { AccountsPage } from "@/components/accounts/accounts-page";

export const metadata: Metadata = { title: "Accounts" };

export default async function Page() {
  if (!(await sessionIsAdmin())) notFound();
  return <AccountsPage />;
}
