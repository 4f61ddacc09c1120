import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { sessionIsAdmin } from "@/lib/auth/session";
import { AccountDetail } from "@/components/accounts/account-detail";

export const metadata: Metadata = { title: "Account" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  if (!(await sessionIsAdmin())) notFound();
  const { id } = await params;
  return <AccountDetail id={id} />;
}
