// The webhook receivers of a chaos run: real HTTP servers in the chaos process (so they keep
// answering while the app is down), each keeping a ledger of what it received — per event id,
// every request with the status it answered and when. Some answer 5xx on purpose, so retries
// and dead letters happen during the crashes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook as StandardWebhook } from "standardwebhooks";
import type { Random } from "@/scripts/chaos/random";
import { sleep } from "@/scripts/chaos/random";

export interface Reception {
  status: number;
  /** When the request arrived (ms since epoch): a kill after it may lose the outcome. */
  requestedAt: number;
  /** When the answer was sent (ms since epoch). */
  at: number;
}

export interface ReceiverSpec {
  name: string;
  /** The webhook's event patterns. */
  events: string[];
  timeoutMs: number;
  /** The answer to one request: a status and how long to think first. */
  answer(seq: number, random: Random): { status: number; delayMs: number };
}

export interface ChaosReceiver {
  spec: ReceiverSpec;
  url: string;
  /** event id → every request for it. */
  ledger: Map<string, Reception[]>;
  /** Requests whose signature did not verify, or that carried no event id. */
  rejected: number;
  setSecret(secret: string): void;
  close(): Promise<void>;
}

/** The receivers of every chaos scenario; all use the retry policy [1, 1, 2] (4 attempts within ~4 s). */
export const receiverSpecs: ReceiverSpec[] = [
  { name: "steady", events: ["*"], timeoutMs: 5000, answer: (_, r) => ({ status: 200, delayMs: r() < 0.1 ? 20 : 0 }) },
  { name: "flaky", events: ["order.*"], timeoutMs: 5000, answer: (_, r) => ({ status: r() < 0.25 ? 500 : 200, delayMs: 0 }) },
  {
    name: "slow",
    events: ["payment.*", "order.created"],
    timeoutMs: 3000,
    answer: (_, r) => {
      const x = r();
      return { status: x < 0.1 ? 503 : 200, delayMs: x > 0.95 ? 1000 : Math.floor(r() * 300) };
    },
  },
  // Every 40th event is refused for good: those deliveries must end as dead letters.
  { name: "picky", events: ["*"], timeoutMs: 5000, answer: (seq, r) => ({ status: seq % 40 === 0 ? 500 : r() < 0.05 ? 502 : 200, delayMs: 0 }) },
];

/** Which receivers an event of `type` goes to (computed here, independently of the app). */
export function expectedReceivers(specs: ReceiverSpec[], type: string): string[] {
  const matches = (pattern: string) => pattern === "*" || (pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type);
  return specs.filter((s) => s.events.some(matches)).map((s) => s.name);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startChaosReceiver(spec: ReceiverSpec, random: Random): Promise<ChaosReceiver> {
  const ledger = new Map<string, Reception[]>();
  let verifier: StandardWebhook | undefined;
  const receiver: ChaosReceiver = {
    spec,
    url: "",
    ledger,
    rejected: 0,
    setSecret: (secret) => (verifier = new StandardWebhook(secret)),
    close: async () => {},
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const eventId = req.headers["webhook-id"];
    let seq = -1;
    try {
      verifier?.verify(body, req.headers as Record<string, string>);
      seq = Number((JSON.parse(body) as { data?: { seq?: number } }).data?.seq ?? -1);
    } catch {
      receiver.rejected += 1;
    }
    if (typeof eventId !== "string" || seq < 0) {
      res.writeHead(400).end();
      return;
    }
    const requestedAt = Date.now();
    const { status, delayMs } = spec.answer(seq, random);
    if (delayMs) await sleep(delayMs);
    // Recorded as the answer is sent: from here on the receiver has processed the event, and
    // a crash before the app records the outcome makes a duplicate, never a loss.
    const list = ledger.get(eventId) ?? [];
    list.push({ status, requestedAt, at: Date.now() });
    ledger.set(eventId, list);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ ok: status < 300 }));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${spec.name}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
