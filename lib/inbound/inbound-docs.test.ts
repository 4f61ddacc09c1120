// docs/inbound.md's snippets work: the Node.js file it quotes and its Python code send real
// HTTP requests to the receiver and get them accepted (and refused with a wrong secret).
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { call } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { inboundSignature } from "@/lib/inbound/verify-signature";
import { sendInboundWebhook, signInboundBody } from "@/lib/inbound/send-examples";

const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/inbound.md"), "utf8");
const pythonCode = /```python\n([\s\S]*?)```/.exec(doc)![1];
const hasPython = (() => {
  try {
    execFileSync("python3", ["--version"]);
    return true;
  } catch {
    return false;
  }
})();

let key: string;
let server: Server;
let baseUrl: string;
let counter = 0;

/** The receiver over real HTTP: each request is handed to the route handler as Next.js would. */
beforeAll(async () => {
  ({ key } = await newAccount());
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
      const answer = await call("POST", req.url ?? "/", undefined, { rawBody: new Uint8Array(Buffer.concat(chunks)), headers });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function createIntegration() {
  const res = await call("POST", "/api/integrations", { source_system: "pawoon", user_id: `doc-user:${++counter}` }, { key });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; source_system: string; user_id: string; webhook_secret: string };
}

function runPython(code: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("python3", ["-c", code], { timeout: 20_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout.trim()))),
  );
}

describe("docs/inbound.md", () => {
  it("quotes lib/inbound/send-examples.ts verbatim", () => {
    const source = readFileSync(path.resolve(import.meta.dirname, "send-examples.ts"), "utf8");
    expect(doc).toContain("```ts\n" + source + "```");
  });

  it("signs like the receiver checks", () => {
    const raw = '{"event":"invoice.paid","data":{"invoice_id":"inv_1"}}';
    expect(signInboundBody("whsec_doc-secret-ünï", raw)).toBe(inboundSignature("whsec_doc-secret-ünï", new TextEncoder().encode(raw)));
  });

  it("the Node.js example is accepted by the receiver, once per id, and refused with a wrong secret", async () => {
    const integration = await createIntegration();
    const options = { baseUrl, sourceSystem: integration.source_system, userId: integration.user_id, secret: integration.webhook_secret };
    const sent = await sendInboundWebhook({ ...options, event: "transaction.created", data: { transaction_id: "trx_doc" }, id: "doc-evt-1" });
    expect(sent).toEqual({ status: 200, body: { success: true, internal_id: expect.any(String), message: "Webhook processed" } });
    const again = await sendInboundWebhook({ ...options, event: "transaction.created", data: { transaction_id: "trx_doc" }, id: "doc-evt-1" });
    expect(again.body.internal_id).toBe(sent.body.internal_id);
    const wrong = await sendInboundWebhook({ ...options, secret: "not-the-secret-at-all", event: "invoice.paid", data: { invoice_id: "i" } });
    expect(wrong).toEqual({ status: 401, body: { success: false, error: "Invalid signature" } });
    expect(await db().inboundEvent.count({ where: { integrationId: integration.id } })).toBe(1);
  });

  it.skipIf(!hasPython)("the Python example signs as seed 000 does and is accepted by the receiver", async () => {
    const integration = await createIntegration();
    const script = `${pythonCode}
print(sign(${JSON.stringify(integration.webhook_secret)}, b'{"a": 1}'))
status, body = send(${JSON.stringify(baseUrl)}, ${JSON.stringify(integration.source_system)}, ${JSON.stringify(integration.user_id)}, ${JSON.stringify(integration.webhook_secret)},
    {"id": "py-1", "event": "payment.received", "data": {"payment_id": "pay_py"}})
print(status, json.dumps(body))
status, body = send(${JSON.stringify(baseUrl)}, ${JSON.stringify(integration.source_system)}, ${JSON.stringify(integration.user_id)}, "wrong-secret-0123456789",
    {"id": "py-2", "event": "payment.received", "data": {"payment_id": "pay_py"}})
print(status, json.dumps(body))
`;
    const [signature, accepted, refused] = (await runPython(script)).split("\n");
    expect(signature).toBe(inboundSignature(integration.webhook_secret, new TextEncoder().encode('{"a": 1}')));
    expect(accepted).toMatch(/^200 \{"success": true, "internal_id": "[0-9a-f-]{36}", "message": "Webhook processed"\}$/);
    expect(refused).toBe('401 {"success": false, "error": "Invalid signature"}');
    const stored = await db().inboundEvent.findFirstOrThrow({ where: { integrationId: integration.id } });
    expect(stored.payload).toEqual({ id: "py-1", event: "payment.received", data: { payment_id: "pay_py" } });
  });
});
