// The benchmark's webhook receivers, in their own process so that answering requests does not
// take event-loop time from Hookrelay or from the load generator. One node:http server per
// endpoint (each its own port, so each is its own origin as real receivers are); each answers
// 200 after its configured delay. The body's `data.t` (the publisher's clock, epoch ms) gives
// the publish→received latency. Controlled over IPC by bench/receivers.ts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

export type ReceiverCommand =
  | { id: number; op: "listen"; delaysMs: number[] }
  | { id: number; op: "counts" }
  | { id: number; op: "latencies"; endpoints: number[] }
  | { id: number; op: "reset" }
  | { id: number; op: "close" };

export interface ReceiverReply {
  id: number;
  ports?: number[];
  counts?: number[];
  latencies?: number[];
}

const now = () => performance.timeOrigin + performance.now();

interface Endpoint {
  server: Server;
  delayMs: number;
  count: number;
  latencies: number[];
}

const endpoints: Endpoint[] = [];

function sentAt(body: string): number | null {
  // Cheaper than JSON.parse of every body: the bench puts `"t":<epoch ms>` in the event data.
  const at = body.indexOf('"t":');
  if (at < 0) return null;
  const value = Number.parseFloat(body.slice(at + 4, at + 40));
  return Number.isFinite(value) ? value : null;
}

async function listen(delayMs: number): Promise<number> {
  const endpoint: Endpoint = { server: createServer(), delayMs, count: 0, latencies: [] };
  endpoint.server.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const receivedAt = now();
      endpoint.count++;
      const t = sentAt(Buffer.concat(chunks).toString("utf8"));
      if (t !== null) endpoint.latencies.push(receivedAt - t);
      const answer = () => res.writeHead(200, { "content-type": "application/json", "content-length": "15" }).end('{"received":1}\n');
      if (endpoint.delayMs > 0) setTimeout(answer, endpoint.delayMs);
      else answer();
    });
  });
  endpoint.server.keepAliveTimeout = 30_000;
  endpoint.server.headersTimeout = 60_000;
  await new Promise<void>((resolve) => endpoint.server.listen(0, "127.0.0.1", 4096, resolve));
  endpoints.push(endpoint);
  return (endpoint.server.address() as AddressInfo).port;
}

process.on("message", async (command: ReceiverCommand) => {
  const reply: ReceiverReply = { id: command.id };
  switch (command.op) {
    case "listen":
      reply.ports = [];
      for (const delay of command.delaysMs) reply.ports.push(await listen(delay));
      break;
    case "counts":
      reply.counts = endpoints.map((e) => e.count);
      break;
    case "latencies":
      reply.latencies = command.endpoints.flatMap((i) => endpoints[i]?.latencies ?? []);
      break;
    case "reset":
      for (const e of endpoints) {
        e.count = 0;
        e.latencies = [];
      }
      break;
    case "close":
      for (const e of endpoints) e.server.closeAllConnections();
      await Promise.all(endpoints.map((e) => new Promise((resolve) => e.server.close(resolve))));
      process.send?.(reply);
      process.disconnect?.();
      return;
  }
  process.send?.(reply);
});

process.on("disconnect", () => process.exit(0));
