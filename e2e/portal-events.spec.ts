// Issue 20: the event browser inside the merchant portal, opened from a portal link in another
// site's iframe. A manage link finds an event by its publisher's id and replays its dead
// delivery; a view link sees the same event but cannot replay; the event's source integration is
// named, never linked (integrations are the operator's).
import { createHmac } from "node:crypto";
import { expect, test, type APIRequestContext, type FrameLocator, type Page } from "@playwright/test";
import { callApi, shot } from "./fixtures/api";
import { E2E_PORT, PORTAL_HOST_PORT } from "./fixtures/env";
import { startFramingSite } from "./fixtures/framing-site";
import { startReceiver, type Receiver } from "./fixtures/receiver";

test.describe.configure({ mode: "serial" });

const run = Date.now();
const failingName = `Acme fulfilment ${run}`;
const healthyName = `Acme analytics ${run}`;
const publisherId = `acme-order-${run}`;
const integrationName = `Acme POS ${run}`;

let failing: Receiver;
let healthy: Receiver;
let site: Awaited<ReturnType<typeof startFramingSite>>;
let accountId: string;
let asMerchant: Record<string, string>;

interface EventDelivery {
  webhook_name: string;
  status: string;
}

/** A portal link for the merchant, as its URL on 127.0.0.1 (another site than the framing page's localhost). */
async function portalLink(request: APIRequestContext, capability: "view" | "manage"): Promise<string> {
  const link = await callApi(request, "POST", "/api/portal-links", { account_id: accountId, capability });
  return `http://127.0.0.1:${E2E_PORT}${new URL(link.url).pathname}`;
}

async function openFramed(page: Page, src: string): Promise<FrameLocator> {
  // Tall enough for the whole frame: Chromium paints a frame's content only where it is on screen.
  await page.setViewportSize({ width: 1280, height: 1650 });
  await page.goto(site.url(src));
  await expect(page.getByText("Acme shop admin")).toBeVisible();
  return page.frameLocator('iframe[title="Webhook portal"]');
}

const deliveryRow = (frame: FrameLocator, name: string) => frame.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: name });

/** From the portal's first page to the event page: the Events entry, then the search box. */
async function findEvent(frame: FrameLocator) {
  await frame.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Events" }).click();
  await expect(frame.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
  await expect(frame.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: publisherId })).toBeVisible();
  await frame.getByLabel("Event id").fill(publisherId);
  await frame.getByRole("button", { name: "Find event" }).click();
  await expect(frame.getByRole("heading", { name: "order.created", level: 1 })).toBeVisible();
  await expect(frame.getByText(publisherId, { exact: true })).toBeVisible();
}

test.beforeAll(async ({ request }) => {
  failing = await startReceiver(500);
  healthy = await startReceiver(200);
  site = await startFramingSite(PORTAL_HOST_PORT);
  accountId = (await callApi(request, "POST", "/api/accounts", { name: `Acme events ${run}` })).id;
  asMerchant = { "x-hookrelay-account": accountId };
  // One retry after a second, then dead: the dead letter comes fast.
  await callApi(request, "POST", "/api/webhooks", { name: failingName, url: failing.url, events: ["order.*"], retry_policy: [1] }, asMerchant);
  await callApi(request, "POST", "/api/webhooks", { name: healthyName, url: healthy.url, events: ["order.*", "transaction.*"] }, asMerchant);
  await callApi(request, "POST", "/api/events", { type: "order.created", id: publisherId, data: { order_id: publisherId, total: 125000 } }, asMerchant);
  await expect
    .poll(async () => {
      const event = await callApi<{ deliveries: EventDelivery[] }>(request, "GET", `/api/events/${publisherId}`, undefined, asMerchant);
      return event.deliveries.map((d) => `${d.webhook_name}:${d.status}`).sort();
    }, { timeout: 30_000 })
    .toEqual([`${healthyName}:succeeded`, `${failingName}:dead`].sort());
});

test.afterAll(async () => {
  await failing?.close();
  await healthy?.close();
  await site?.close();
});

test("a view link inside another site's iframe finds the event but has no Replay", async ({ page, request }) => {
  const link = await portalLink(request, "view");
  const frame = await openFramed(page, link);
  const nav = frame.getByRole("navigation", { name: "Portal" });
  await expect(nav.getByRole("link", { name: "Webhooks" })).toHaveAttribute("aria-current", "page");
  await findEvent(frame);
  await expect(nav.getByRole("link", { name: "Events" })).toHaveAttribute("aria-current", "page");
  await expect(deliveryRow(frame, failingName).getByText("Dead")).toBeVisible();
  await expect(deliveryRow(frame, healthyName).getByText("Succeeded")).toBeVisible();
  await expect(frame.getByRole("button", { name: /^Replay/ })).toHaveCount(0);
  // The attempts still open, and every link stays inside the portal.
  await deliveryRow(frame, failingName).getByRole("button", { name: `Attempts to ${failingName}` }).click();
  await expect(frame.getByRole("list", { name: `Attempts of the delivery to ${failingName}` }).getByRole("listitem")).toHaveCount(2);
  const base = new URL(link).pathname;
  await expect(frame.getByRole("link", { name: failingName })).toHaveAttribute("href", new RegExp(`^${base}/webhooks/wh_`));
  await expect(frame.getByRole("link", { name: "← Events" })).toHaveAttribute("href", `${base}/events`);
  for (const name of ["Dashboard", "Integrations", "API keys", "Accounts"]) await expect(frame.getByRole("link", { name })).toHaveCount(0);
  await page.waitForTimeout(300);
  await shot(page, "portal-event-view-framed");
});

test("a manage link inside the iframe replays the dead delivery from the event page", async ({ page, request }) => {
  const frame = await openFramed(page, await portalLink(request, "manage"));
  await frame.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Events" }).click();
  const row = frame.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: publisherId });
  await expect(row.getByText("Failed")).toBeVisible();
  await expect(row.getByText("1 dead")).toBeVisible();
  await page.waitForTimeout(300);
  await shot(page, "portal-events-framed");

  await findEvent(frame);
  const before = failing.requests.length;
  failing.setStatus(200);
  await deliveryRow(frame, failingName).getByRole("button", { name: `Replay the delivery to ${failingName}` }).click();
  await expect(frame.getByText(`Replayed to ${failingName}: a new delivery`)).toBeVisible();
  await expect(deliveryRow(frame, failingName).getByText(/^Replayed/)).toBeVisible();
  // The replay is a new delivery to the same webhook, and it succeeds.
  await expect(deliveryRow(frame, failingName).filter({ hasText: "Succeeded" })).toHaveCount(1, { timeout: 30_000 });
  expect(failing.requests.length).toBeGreaterThan(before);
  expect(JSON.parse(failing.requests.at(-1)!.body).data.order_id).toBe(publisherId);
  await page.waitForTimeout(300);
  await shot(page, "portal-event-manage-framed");
});

test("an event forwarded from the merchant's integration names its source as text, with no link", async ({ page, request }) => {
  const integration = await callApi<{ id: string; webhook_secret: string }>(
    request,
    "POST",
    "/api/integrations",
    { name: integrationName, source_system: "pawoon", user_id: `acme-${run}`, forward_as: "pos" },
    asMerchant,
  );
  const raw = JSON.stringify({ event: "transaction.created", data: { transaction_id: `trx-${run}`, total: 99000 } });
  const signature = "sha256=" + createHmac("sha256", Buffer.from(integration.webhook_secret, "utf8")).update(raw).digest("hex");
  const received = await request.post(`/v1/integrations/webhooks/pawoon/acme-${run}`, { data: raw, headers: { "content-type": "application/json", "x-webhook-signature": signature } });
  expect(received.status()).toBe(200);
  const inboundId = (await received.json()).internal_id as string;
  let eventId = "";
  await expect
    .poll(async () => {
      const events = await callApi<{ id: string; outbound_events: { id: string }[] }[]>(request, "GET", `/api/integrations/${integration.id}/events`, undefined, asMerchant);
      eventId = events.find((e) => e.id === inboundId)?.outbound_events[0]?.id ?? "";
      return eventId;
    }, { timeout: 30_000 })
    .toMatch(/^evt_/);

  const frame = await openFramed(page, `${await portalLink(request, "view")}/events/${eventId}`);
  await expect(frame.getByRole("heading", { name: "transaction.created", level: 1 })).toBeVisible();
  await expect(frame.getByRole("heading", { name: "Source" })).toBeVisible();
  await expect(frame.getByText(integrationName, { exact: true })).toBeVisible();
  await expect(frame.getByText(integration.id, { exact: true })).toBeVisible();
  await expect(frame.getByText(inboundId, { exact: true })).toBeVisible();
  await expect(frame.getByRole("link", { name: integrationName })).toHaveCount(0);
  await page.waitForTimeout(300);
  await shot(page, "portal-event-forwarded-framed");
});

test("an unframed portal's Events page fits a phone's width", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const link = await portalLink(request, "view");
  await page.goto(`${link}/events`);
  await expect(page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: publisherId })).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, "portal-events-mobile");
  await page.goto(`${link}/events/${publisherId}`);
  await expect(page.getByRole("table", { name: "Deliveries" })).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, "portal-event-mobile");
});
