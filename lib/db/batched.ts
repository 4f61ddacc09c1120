// Group commit for hot statements. Calls that arrive while a batch is under way wait and go
// together in the next one: one statement, one round trip and (for writes) one commit — a WAL
// flush — for all of them, instead of one each. A call on a quiet process goes at once (after
// the current turn of the event loop, so that the calls of one turn share a batch). Each
// caller still gets its own answer or its own error. Hand-written: DataLoader batches only
// the calls of one turn and has no notion of a statement already in flight.

export interface BatchOptions<I> {
  /** Most inputs in one batch; the rest wait for the next. */
  maxBatch: number;
  /**
   * While calls keep coming, batches start at most this often (ms): fewer, larger statements.
   * A call after a quiet spell still goes at once.
   */
  minIntervalMs?: number;
  /** Inputs with the same key never share a batch (e.g. a statement may update a row once only). */
  keyOf?: (input: I) => string;
}

interface Waiting<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * `run` takes a batch and returns one output per input, in order. If it throws for a batch of
 * several, each input is run alone, so one bad input (or a deadlock) fails only its caller.
 */
export function batched<I, O>(run: (inputs: I[]) => Promise<O[]>, options: BatchOptions<I>): (input: I) => Promise<O> {
  const { maxBatch, minIntervalMs = 0, keyOf } = options;
  const waiting: Waiting<I, O>[] = [];
  let draining = false;
  let lastStartAt = -Infinity;

  const untilNextStart = () => lastStartAt + minIntervalMs - performance.now();

  function takeBatch(): Waiting<I, O>[] {
    if (!keyOf) return waiting.splice(0, maxBatch);
    const batch: Waiting<I, O>[] = [];
    const left: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    for (const w of waiting) {
      const key = batch.length < maxBatch ? keyOf(w.input) : undefined;
      if (key === undefined || keys.has(key)) {
        left.push(w);
        continue;
      }
      keys.add(key);
      batch.push(w);
    }
    waiting.splice(0, waiting.length, ...left);
    return batch;
  }

  async function settle(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const outputs = await run(batch.map((w) => w.input));
      batch.forEach((w, i) => w.resolve(outputs[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const one of batch) await settle([one]);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const wait = untilNextStart();
        if (wait > 0 && waiting.length < maxBatch) await new Promise((resolve) => setTimeout(resolve, wait));
        lastStartAt = performance.now();
        await settle(takeBatch());
      }
    } finally {
      draining = false;
    }
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (draining) return;
      draining = true;
      const wait = untilNextStart();
      // setImmediate, not a microtask: calls made in the same turn (responses that arrived together) join this batch.
      if (wait > 0) setTimeout(() => void drain(), wait);
      else setImmediate(() => void drain());
    });
}
