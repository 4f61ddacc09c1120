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

const CHECK_LABELS: Record<string, string> = {
  bad_signature: "wrong signature",
  stale_timestamp: "stale timestamp",
  signed: "signed",
  duplicate: "repeat",
};

/** The "check" badge of an endpoint check's attempt, and the link from a replay to the delivery it replays. */
export function AttemptMarks({ attempt, onOrigin }: { attempt: { is_check?: boolean; check?: string | null; replay_of?: string | null }; onOrigin?: (deliveryId: string) => void }) {
  return (
    <>
      {attempt.is_check && (
        <Badge tone="blue" title={`Endpoint check request: ${CHECK_LABELS[attempt.check ?? ""] ?? attempt.check}`}>
          check{attempt.check ? ` · ${CHECK_LABELS[attempt.check] ?? attempt.check}` : ""}
        </Badge>
      )}
      {attempt.replay_of &&
        (onOrigin ? (
          <button
            type="button"
            onClick={(e) => {
              e.stopPropagation();
              onOrigin(attempt.replay_of!);
            }}
            aria-label={`Replay of ${attempt.replay_of}`}
            title={`Replay of ${attempt.replay_of}: show the attempts of the delivery it replays`}
            className="rounded-md focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <Badge tone="indigo">replay ↗</Badge>
          </button>
        ) : (
          <Badge tone="indigo" title={`Replay of ${attempt.replay_of}`}>
            replay
          </Badge>
        ))}
    </>
  );
}
