// Against real HTTP servers on 127.0.0.1: the outcomes a receiver can produce, and the SSRF
// guard proven by the server never seeing a connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseRetryAfter, postWebhook, type PostInput } from "@/lib/delivery/http-post";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface TestServer {
  url: string;
  port: number;
  requests: Received[];
  connections: number;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver that records each request (after reading its body) and hands it to `handler`. */
async function startServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const state = { requests: [] as Received[], connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      state.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on("connection", () => state.connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
  };
}

function post(url: string, overrides: Partial<PostInput> = {}) {
  return postWebhook({
    url,
    body: '{"id":"evt_1"}',
    headers: { "content-type": "application/json" },
    timeoutMs: 5000,
    allowPrivateNetworks: true,
    ipWhitelist: [],
    ...overrides,
  });
}

describe("postWebhook", () => {
  it("returns ok with the status, headers and body of a 200", async () => {
    const server = await startServer((_req, res) => res.writeHead(200, { "x-receiver": "yes" }).end("thanks"));
    const outcome = await post(server.url);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, responseBody: "thanks", errorClass: null, errorMessage: null, retryAfterSeconds: null });
    expect(outcome.responseHeaders["x-receiver"]).toBe("yes");
    expect(outcome.responseTimeMs).toBeGreaterThan(0);
    expect(outcome.responseTimeMs).toBeLessThan(5000);
  });

  it("counts any 2xx as success", async () => {
    const server = await startServer((_req, res) => res.writeHead(204).end());
    expect(await post(server.url)).toMatchObject({ ok: true, statusCode: 204, errorClass: null });
  });

  it("classifies a 500 as http_status and keeps the response body", async () => {
    const server = await startServer((_req, res) => res.writeHead(500).end("boom"));
    expect(await post(server.url)).toMatchObject({ ok: false, statusCode: 500, errorClass: "http_status", errorMessage: "HTTP 500", responseBody: "boom" });
  });

  it("does not follow a 301: the outcome is a redirect and the server sees no second request", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/hook") res.writeHead(301, { location: "/elsewhere" }).end();
      else res.writeHead(200).end("followed");
    });
    const outcome = await post(server.url);
    expect(outcome).toMatchObject({ ok: false, statusCode: 301, errorClass: "redirect" });
    expect(outcome.errorMessage).toContain("/elsewhere");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.map((r) => r.url)).toEqual(["/hook"]);
  });

  it("times out on a server that never answers", async () => {
    const server = await startServer(() => {});
    const outcome = await post(server.url, { timeoutMs: 200 });
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorClass: "timeout" });
    expect(outcome.responseTimeMs).toBeGreaterThanOrEqual(150);
    expect(outcome.responseTimeMs).toBeLessThan(2000);
  });

  it("times out on a slow-loris body that drips one byte every 100 ms", async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      timers.push(setInterval(() => res.write("x"), 100));
    });
    try {
      const outcome = await post(server.url, { timeoutMs: 500 });
      expect(outcome).toMatchObject({ ok: false, statusCode: 200, errorClass: "timeout" });
      expect(outcome.responseTimeMs).toBeGreaterThanOrEqual(450);
      expect(outcome.responseTimeMs).toBeLessThan(2000);
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it("reports a refused connection on a closed port", async () => {
    const server = await startServer(() => {});
    const url = server.url;
    const closing = servers.pop()!;
    await new Promise((resolve) => closing.close(resolve));
    expect(await post(url)).toMatchObject({ ok: false, statusCode: null, errorClass: "connection" });
    const refused = await post(url);
    expect(refused.errorMessage).toMatch(/ECONNREFUSED/);
  });

  it("reports a connection reset when the server destroys the socket", async () => {
    const server = await startServer((req) => req.socket.destroy());
    expect(await post(server.url)).toMatchObject({ ok: false, statusCode: null, errorClass: "connection" });
  });

  it("keeps 64 KiB of a 10 MB response and stops reading the rest", async () => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    let written = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const pump = () => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    const outcome = await post(server.url);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, errorClass: null });
    expect(outcome.responseBody.length).toBe(64 * 1024);
    // The socket was dropped well before the server could push all 10 MB.
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it("keeps only maxResponseBytes of the body", async () => {
    const server = await startServer((_req, res) => res.writeHead(500).end("x".repeat(5000)));
    const outcome = await post(server.url, { maxResponseBytes: 1024 });
    expect(outcome.responseBody).toBe("x".repeat(1024));
  });

  it("parses Retry-After given in seconds", async () => {
    const server = await startServer((_req, res) => res.writeHead(429, { "retry-after": "120" }).end());
    expect(await post(server.url)).toMatchObject({ ok: false, statusCode: 429, errorClass: "http_status", retryAfterSeconds: 120 });
  });

  it("parses Retry-After given as an HTTP date", async () => {
    const server = await startServer((_req, res) => res.writeHead(503, { "retry-after": new Date(Date.now() + 90_000).toUTCString() }).end());
    const outcome = await post(server.url);
    expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(88);
    expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(91);
  });

  it("delivers custom headers and the body intact", async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end());
    const body = JSON.stringify({ id: "evt_ü", data: { note: "naïve ☃ \n line", n: 1.5 } });
    const outcome = await post(server.url, {
      body,
      headers: { "Content-Type": "application/json", "X-Custom-Header": "value with spaces", "webhook-id": "msg_1" },
    });
    expect(outcome.ok).toBe(true);
    const [received] = server.requests;
    expect(received.method).toBe("POST");
    expect(received.body).toBe(body);
    expect(received.headers["content-type"]).toBe("application/json");
    expect(received.headers["x-custom-header"]).toBe("value with spaces");
    expect(received.headers["webhook-id"]).toBe("msg_1");
    expect(received.headers["user-agent"]).toBe("Hookrelay-Webhook/1.0");
    expect(received.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
  });

  it("keeps the caller's User-Agent", async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end());
    await post(server.url, { headers: { "User-Agent": "Custom/2.0" } });
    expect(server.requests[0].headers["user-agent"]).toBe("Custom/2.0");
  });

  it("reuses a keep-alive connection for consecutive deliveries to one receiver", async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end("ok"));
    for (let i = 0; i < 10; i++) expect((await post(server.url)).ok).toBe(true);
    expect(server.requests).toHaveLength(10);
    // undici's pool opens a second socket for the request after the very first one, then reuses.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it("connects through a DNS name to the address it was validated for", async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end("via name"));
    const outcome = await post(`http://localhost:${server.port}/hook`);
    expect(outcome).toMatchObject({ ok: true, responseBody: "via name" });
    expect(server.requests[0].headers.host).toBe(`localhost:${server.port}`);
  });

  it("reports a host that does not resolve as dns", async () => {
    expect(await post("http://no-such-host.invalid/hook", { allowPrivateNetworks: false })).toMatchObject({ ok: false, errorClass: "dns" });
  });

  describe("SSRF guard", () => {
    it("blocks loopback when private networks are not allowed, without connecting", async () => {
      const server = await startServer((_req, res) => res.writeHead(200).end());
      const outcome = await post(server.url, { allowPrivateNetworks: false });
      expect(outcome).toMatchObject({ ok: false, statusCode: null, errorClass: "ssrf_blocked" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.requests).toHaveLength(0);
      expect(server.connections).toBe(0);
    });

    it.each(["http://localhost:{port}/", "http://[::1]:{port}/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:{port}/", "http://2130706433:{port}/", "http://0177.0.0.1:{port}/", "http://[::ffff:127.0.0.1]:{port}/"])(
      "blocks %s",
      async (template) => {
        const server = await startServer((_req, res) => res.writeHead(200).end());
        const outcome = await post(template.replace("{port}", String(server.port)), { allowPrivateNetworks: false });
        expect(outcome).toMatchObject({ ok: false, statusCode: null, errorClass: "ssrf_blocked" });
        expect(server.connections).toBe(0);
      },
    );

    it("blocks an address outside the webhook's IP whitelist even with private networks allowed", async () => {
      const server = await startServer((_req, res) => res.writeHead(200).end());
      const outcome = await post(server.url, { allowPrivateNetworks: true, ipWhitelist: ["10.0.0.0/8", "203.0.113.7"] });
      expect(outcome).toMatchObject({ ok: false, errorClass: "ssrf_blocked" });
      expect(server.connections).toBe(0);
    });

    it("delivers to an address inside the whitelist", async () => {
      const server = await startServer((_req, res) => res.writeHead(200).end());
      expect(await post(server.url, { allowPrivateNetworks: true, ipWhitelist: ["127.0.0.1/32"] })).toMatchObject({ ok: true });
    });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each<[string | undefined, number | null]>([
    ["120", 120],
    [" 0 ", 0],
    ["Wed, 01 Jan 2025 00:01:30 GMT", 90],
    ["Tue, 31 Dec 2024 23:00:00 GMT", 0],
    ["soon", null],
    ["-5", null],
    [undefined, null],
  ])("reads %j as %j seconds", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
