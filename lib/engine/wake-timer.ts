// The dispatcher's one timer: the next look at the tables. Asking for a later look than the one
// already set changes nothing; asking for a sooner one replaces it.
export class WakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private firesAt = Infinity;

  /** Calls `fire` in `delayMs`, unless the timer already fires by then. */
  set(delayMs: number, fire: () => void): void {
    if (this.timer && this.firesAt <= Date.now() + delayMs) return;
    clearTimeout(this.timer);
    this.firesAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firesAt = Infinity;
      fire();
    }, delayMs);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
