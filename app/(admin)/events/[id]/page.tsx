import type { Metadata } from "next";
import { EventDetailPage } from "@/components/events/event-detail";

export const metadata: Metadata = { title: "Event" };

/** A publisher's id may hold any printable character, `%` included. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EventDetailPage id={safeDecode(id)} />;
}
