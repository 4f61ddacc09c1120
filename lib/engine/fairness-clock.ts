// When the dispatcher next looks past the groups it serves ("fairness looks"), and how far back
// each look reads: most read only what came due since the previous look, and once in a while
// (at least `maxIdleMs` apart) a full look reads all due work. Both pause in proportion to
// what the last look cost.
import { fairnessPauseMs, fullLookPauseMs, LOOK_OVERLAP_MS } from "@/lib/engine/pacing";

/** One fairness look's plan: when it started (performance.now()) and how far back it reads. */
export interface LookPlan {
  startedAt: number;
  fullLook: boolean;
  /** Only work that came due within this many ms; undefined: all due work. */
  dueWithinMs?: number;
}

export class FairnessClock {
  /** The timer asked for a fairness look on the next claim pass. */
  requested = false;
  private pauseMs: number;
  private lastLookAt = 0;
  private lastLookStartedAt = 0;
  private fullLookPause: number;
  private lastFullLookAt = -Infinity;

  constructor(private readonly maxIdleMs: number) {
    this.pauseMs = fairnessPauseMs(0);
    this.fullLookPause = maxIdleMs;
  }

  /** Whether this pass makes a fairness look (the request is used up). */
  takeRequest(): boolean {
    const requested = this.requested;
    this.requested = false;
    return requested;
  }

  plan(startedAt: number): LookPlan {
    const fullLook = startedAt - this.lastFullLookAt >= this.fullLookPause;
    return { startedAt, fullLook, dueWithinMs: fullLook ? undefined : startedAt - this.lastLookStartedAt + LOOK_OVERLAP_MS };
  }

  /** A look made to `plan` cost `costMs` (all sources together): the next pauses follow from it. */
  record(plan: LookPlan, costMs: number): void {
    this.pauseMs = fairnessPauseMs(costMs);
    this.lastLookAt = Date.now();
    this.lastLookStartedAt = plan.startedAt;
    if (!plan.fullLook) return;
    this.fullLookPause = fullLookPauseMs(costMs, this.maxIdleMs);
    this.lastFullLookAt = plan.startedAt;
  }

  /** Milliseconds until the next fairness look is due (negative: overdue). */
  nextLookIn(): number {
    return this.lastLookAt + this.pauseMs - Date.now();
  }
}
