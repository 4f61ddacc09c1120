import { Badge } from "@/components/ui/badge";

/** Active, Disabled (with its reason), or Failing (with the current streak). */
export function WebhookStatusBadge({
  isActive,
  disabledReason,
  failingSince,
  failingStreak,
}: {
  isActive: boolean;
  disabledReason?: string | null;
  failingSince?: string | null;
  failingStreak?: number;
}) {
  if (!isActive) {
    return (
      <span className="inline-flex flex-col items-start gap-0.5">
        <Badge tone="slate" dot>
          Disabled
        </Badge>
        {disabledReason && <span className="max-w-56 truncate text-xs text-slate-500" title={disabledReason}>{disabledReason}</span>}
      </span>
    );
  }
  if (failingSince || (failingStreak ?? 0) > 0) {
    return (
      <span className="inline-flex flex-col items-start gap-0.5">
        <Badge tone="red" dot>
          Failing
        </Badge>
        {failingStreak ? (
          <span className="text-xs text-slate-500">
            {failingStreak} failed in a row
          </span>
        ) : null}
      </span>
    );
  }
  return (
    <Badge tone="green" dot>
      Active
    </Badge>
  );
}
