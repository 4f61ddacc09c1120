// Issue 20, part 2: the merchant portal opened from a portal link inside an iframe on another
// site (a page on localhost framing the app on 127.0.0.1), where no cookie of ours exists. The
// operator's API makes the merchant, its webhook and the links; the merchant only ever sees the
// portal.
import { expect, test, type APIRequestContext, type FrameLocator, type Page } from "@playwright/test";
import { artifact, callApi, shot } from "./fixtures/api";
import { withE2eDatabase } from "./fixtures/database";
import { E2E_PORT, PORTAL_HOST_PORT } from "./fixtures/env";
import { startFramingSite } from "./fixtures/framing-site";
import { startReceiver, type Receiver } from "./fixtures/receiver";

test.describe.configure({ mode: "serial" });

let receiver: Receiver;
let site: Awaited<ReturnType<typeof startFramingSite>>;
let accountId: string;
let webhookId: string;
let otherWebhookName: string;

const WEBHOOK_NAME = "Acme order sync";

/** A portal link for the merchant, as its URL on 127.0.0.1 (the link names the host it was asked on). */
async function portalLink(request: APIRequestContext, capability: "view" | "manage", expiresIn?: number): Promise<string> {
  const link = await callApi(request, "POST", "/api/portal-links", { account_id: accountId, capability, ...(expiresIn ? { expires_in: expiresIn } : {}) });
  const url = new URL(link.url);
  expect(url.pathname).toMatch(/^\/portal\/v1\./);
  return `http://127.0.0.1:${E2E_PORT}${url.pathname}`;
}

async function openFramed(page: Page, src: string): Promise<FrameLocator> {
  // Tall enough for the whole frame: Chromium paints a frame's content only where it is on screen.
  await page.setViewportSize({ width: 1280, height: 1650 });
  await page.goto(site.url(src));
  await expect(page.getByText("Acme shop admin")).toBeVisible();
  return page.frameLocator('iframe[title="Webhook portal"]');
}

test.beforeAll(async ({ request }) => {
  receiver = await startReceiver(200);
  site = await startFramingSite(PORTAL_HOST_PORT);
  const account = await callApi(request, "POST", "/api/accounts", { name: "Acme merchant account" });
  accountId = account.id;
  await withE2eDatabase((db) =>
    db.query("UPDATE accounts SET portal_branding = $1 WHERE id = $2", [JSON.stringify({ display_name: "Acme Shop", accent_color: "#0f766e", logo_url: site.logoUrl }), accountId]),
  );
  const asMerchant = { "x-hookrelay-account": accountId };
  const webhook = await callApi(request, "POST", "/api/webhooks", { name: WEBHOOK_NAME, url: receiver.url, events: ["order.*"] }, asMerchant);
  webhookId = webhook.id;
  // Some history for the health charts.
  for (let i = 0; i < 3; i += 1) await callApi(request, "POST", `/api/webhooks/${webhookId}/test`, { event: "order.created" }, asMerchant);
  // The operator's own webhook, which the merchant must never see.
  otherWebhookName = `Operator only ${Date.now()}`;
  await callApi(request, "POST", "/api/webhooks", { name: otherWebhookName, url: receiver.url, events: ["*"] });
});

test.afterAll(async () => {
  await receiver?.close();
  await site?.close();
});

test("a view link inside another site's iframe shows the merchant's webhook and its health chart", async ({ page, request }) => {
  const frame = await openFramed(page, await portalLink(request, "view"));
  await expect(frame.getByText("Acme Shop", { exact: true })).toBeVisible();
  await expect(frame.getByRole("img", { name: "Acme Shop logo" })).toHaveJSProperty("naturalWidth", 96);
  await expect(frame.getByText("View only")).toBeVisible();
  const link = frame.getByRole("link", { name: WEBHOOK_NAME }).filter({ visible: true });
  await expect(link).toBeVisible();
  await expect(frame.getByText(otherWebhookName)).toHaveCount(0);
  await expect(frame.getByRole("link", { name: "Create Webhook" })).toHaveCount(0);
  await shot(page, "portal-view-framed-list");

  await link.click();
  await expect(frame.getByRole("heading", { name: WEBHOOK_NAME, level: 1 })).toBeVisible();
  await expect(frame.getByText("Delivery health")).toBeVisible();
  const successRate = frame.getByRole("figure").filter({ hasText: "Success rate" });
  await expect(successRate.locator("svg.recharts-surface")).toBeVisible();
  await expect(frame.getByRole("table", { name: "Delivery log" }).getByRole("row").filter({ hasText: "order.created" }).first()).toContainText("Succeeded");
  // Read-only: no Send Test, edit, rotate or replay; no operator navigation anywhere.
  for (const name of ["Send Test", "Rotate secret", "Delete"]) await expect(frame.getByRole("button", { name })).toHaveCount(0);
  await expect(frame.getByRole("link", { name: "Edit" })).toHaveCount(0);
  for (const name of ["API keys", "Dashboard", "Integrations"]) await expect(frame.getByRole("link", { name })).toHaveCount(0);
  await expect(frame.getByLabel("Account")).toHaveCount(0);
  await page.waitForTimeout(500);
  await shot(page, "portal-view-framed");
});

test("the attempt drawer and dead letters open inside the frame", async ({ page, request }) => {
  const frame = await openFramed(page, (await portalLink(request, "view")) + `/webhooks/${webhookId}`);
  const row = frame.getByRole("table", { name: "Delivery log" }).getByRole("row").filter({ hasText: "order.created" }).first();
  await row.click();
  const drawer = frame.getByRole("dialog", { name: /Attempt 1 · order.created/ });
  await expect(drawer.getByLabel("Request headers")).toContainText("webhook-signature");
  // The payload comes from GET /api/events/{id}, which the portal link may read too.
  await expect(drawer.getByLabel("Event data")).toContainText("order_id");
  await shot(page, "portal-attempt-drawer-framed");
  await page.keyboard.press("Escape");
  await frame.getByRole("tab", { name: /Dead letters/ }).click();
  await expect(frame.getByText("No dead letters")).toBeVisible();
  await expect(frame.getByRole("button", { name: "Replay all" })).toHaveCount(0);
});

test("a manage link can Send Test inside the frame", async ({ page, request }) => {
  const frame = await openFramed(page, (await portalLink(request, "manage")) + `/webhooks/${webhookId}`);
  await expect(frame.getByRole("heading", { name: WEBHOOK_NAME, level: 1 })).toBeVisible();
  await expect(frame.getByText("Can manage")).toBeVisible();
  const before = receiver.requests.length;
  await frame.getByLabel("Event type").selectOption("order.shipped");
  await frame.getByRole("button", { name: "Send Test" }).click();
  const result = frame.getByRole("status", { name: "Test result" });
  await expect(result).toContainText("Succeeded");
  await expect(result).toContainText("200");
  expect(receiver.requests.length).toBe(before + 1);
  expect(JSON.parse(receiver.requests.at(-1)!.body).type).toBe("order.shipped");
  await expect(frame.getByRole("link", { name: "Edit" })).toBeVisible();
  await expect(frame.getByRole("button", { name: "Rotate secret" })).toBeVisible();
  await shot(page, "portal-manage-framed");
});

test("a manage link creates a webhook in the merchant's account, unframed too", async ({ page, request }) => {
  await page.goto(await portalLink(request, "manage"));
  await expect(page.getByText("Acme Shop", { exact: true })).toBeVisible();
  await shot(page, "portal-manage-unframed-list");
  await page.getByRole("link", { name: "Create Webhook" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Acme refunds");
  await page.getByLabel("URL").fill(receiver.url);
  await page.getByRole("checkbox", { name: "All order events (order.*)" }).check();
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Webhook created" })).toBeVisible();
  await page.getByRole("button", { name: "I've saved it" }).click();
  await expect(page.getByRole("heading", { name: "Acme refunds", level: 1 })).toBeVisible();
  expect(page.url()).toMatch(/\/portal\/v1\.[^/]+\/webhooks\/wh_/);
  const created = await callApi(request, "GET", "/api/webhooks?limit=100", undefined, { "x-hookrelay-account": accountId });
  expect(created.map((w: { name: string }) => w.name)).toContain("Acme refunds");
  await page.waitForTimeout(500);
  await shot(page, "portal-manage-unframed");
});

test("an unframed view link shows the portal in the merchant's branding", async ({ page, request }) => {
  await page.goto((await portalLink(request, "view")) + `/webhooks/${webhookId}`);
  await expect(page.getByRole("heading", { name: WEBHOOK_NAME, level: 1 })).toBeVisible();
  await expect(page.getByRole("figure").filter({ hasText: "Success rate" }).locator("svg.recharts-surface")).toBeVisible();
  await page.waitForTimeout(500);
  await shot(page, "portal-view-unframed");
});

test("an expired link shows the expired page and no data, framed or not", async ({ page, request }) => {
  const link = await portalLink(request, "manage", 1);
  await page.waitForTimeout(1_500);
  const frame = await openFramed(page, link);
  await expect(frame.getByRole("heading", { name: "This link has expired" })).toBeVisible();
  await shot(page, "portal-expired-framed");
  await page.goto(link + `/webhooks/${webhookId}`);
  await expect(page.getByRole("heading", { name: "This link has expired" })).toBeVisible();
  const text = await page.locator("body").innerText();
  for (const secret of [WEBHOOK_NAME, "Acme Shop", "Acme merchant account", webhookId, receiver.url]) expect(text).not.toContain(secret);
  await page.screenshot({ path: artifact("portal-expired") });
});

test("a view link's create and edit pages say it can only view", async ({ page, request }) => {
  const link = await portalLink(request, "view");
  for (const path of ["/webhooks/new", `/webhooks/${webhookId}/edit`]) {
    await page.goto(link + path);
    await expect(page.getByRole("alert").filter({ hasText: "This portal link can only view webhooks" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Create webhook|Save changes/ })).toHaveCount(0);
  }
});

test("a tampered link shows the invalid-link page", async ({ page, request }) => {
  const link = await portalLink(request, "view");
  const tampered = link.replace(/\.([\w-]+)$/, (_, sig: string) => `.${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`);
  await page.goto(tampered);
  await expect(page.getByRole("heading", { name: "Invalid link" })).toBeVisible();
  await expect(page.getByText(WEBHOOK_NAME)).toHaveCount(0);
  await page.screenshot({ path: artifact("portal-invalid") });
});

test("only the portal may be framed, and only by the configured site", async ({ page, request }) => {
  const portal = await request.get(await portalLink(request, "view"));
  expect(portal.headers()["content-security-policy"]).toContain(`frame-ancestors 'self' http://localhost:${PORTAL_HOST_PORT};`);
  expect(portal.headers()["x-frame-options"]).toBeUndefined();
  const signIn = await request.get("/sign-in");
  expect(signIn.headers()["x-frame-options"]).toBe("DENY");
  expect(signIn.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  // The browser agrees: the sign-in page does not render inside the other site's frame.
  const frame = await openFramed(page, `http://127.0.0.1:${E2E_PORT}/sign-in`);
  await page.waitForTimeout(1_000);
  await expect(frame.getByRole("button", { name: "Sign in" })).toHaveCount(0);
});
