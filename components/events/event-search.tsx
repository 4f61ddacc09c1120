"use client";
// Straight to one event: by Hookrelay's id (`evt_…`) or the id its publisher gave it.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useScopedHref } from "@/components/api-scope";
import type { EventDetail } from "@/components/api-types";
import { useApi } from "@/components/use-api";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

export function EventSearch() {
  const api = useApi();
  const router = useRouter();
  const href = useScopedHref();
  const [id, setId] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [searching, setSearching] = useState(false);

  async function find(e: FormEvent) {
    e.preventDefault();
    const wanted = id.trim();
    if (!wanted) return setError("Enter an event id.");
    setSearching(true);
    setError(undefined);
    try {
      const event = await api.get<EventDetail>(`/api/events/${encodeURIComponent(wanted)}`);
      router.push(href(`/events/${encodeURIComponent(event.id)}`));
    } catch (failure) {
      const status = (failure as { status?: number }).status;
      setError(status === 404 ? `No event with the id “${wanted}” in this account.` : "The search failed; try again.");
      setSearching(false);
    }
  }

  return (
    <form role="search" onSubmit={find} className="flex flex-wrap items-start gap-3">
      <Field label="Event id" hint="Hookrelay's id (evt_…) or the publisher's own id" error={error} className="w-full max-w-md">
        {(p) => <Input {...p} value={id} onChange={(e) => setId(e.target.value)} placeholder="evt_… or order-1234" autoComplete="off" spellCheck={false} />}
      </Field>
      <Button type="submit" variant="primary" className="sm:mt-7" disabled={searching}>
        {searching ? "Finding…" : "Find event"}
      </Button>
    </form>
  );
}
