import type { Metadata } from "next";
import { EventDetailPage } from "@/components/events/event-detail";
import { eventIdParam } from "@/components/events/event-id-param";

export const metadata: Metadata = { title: "Event" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EventDetailPage id={eventIdParam(id)} />;
}
