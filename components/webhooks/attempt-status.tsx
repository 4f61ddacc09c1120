import { Badge } from "@/components/ui/badge";

export function AttemptStatusBadge({ status }: { status: "succeeded" | "failed" }) {
  return (
    <Badge tone={status === "succeeded" ? "green" : "red"} dot>
      {status === "succeeded" ? "Succeeded" : "Failed"}
    </Badge>
  );
}

export function DeliveryStatusBadge({ status }: { status: "pending" | "succeeded" | "dead" }) {
  if (status === "succeeded")
    return (
      <Badge tone="green" dot>
        Succeeded
      </Badge>
    );
  if (status === "dead")
    return (
      <Badge tone="red" dot>
        Dead
      </Badge>
    );
  return (
    <Badge tone="amber" dot>
      Pending
    </Badge>
  );
}

/** "200", or the error class when there was no HTTP answer. */
export function ResponseSummary({ code, error }: { code: number | null; error: string | null }) {
  if (code !== null) return <span className={code >= 200 && code < 300 ? "font-mono text-slate-800" : "font-mono text-red-700"}>{code}</span>;
  return <span className="text-red-700">{error ?? "—"}</span>;
}
