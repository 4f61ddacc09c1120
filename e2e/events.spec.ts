// The event browser: an operator finds an event by its publisher's id, reads its fan-out and
// attempts, and replays its dead delivery from the event page.
import { createHmac } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { callApi, shot } from "./fixtures/api";
import { startReceiver, type Receiver } from "./fixtures/receiver";
import { signIn } from "./fixtures/sign-in";

test.describe.configure({ mode: "serial" });

const run = Date.now();
const failingName = `E2E failing ${run}`;
const healthyName = `E2E healthy ${run}`;
const publisherId = `pos-order-${run}`;

let failing: Receiver;
let healthy: Receiver;
let page: Page;

interface EventDelivery {
  webhook_name: string;
  status: string;
}

test.beforeAll(async ({ browser, request }) => {
  failing = await startReceiver(500);
  healthy = await startReceiver(200);
  // One retry after a second, then dead: the dead letter comes fast.
  await callApi(request, "POST", "/api/webhooks", { name: failingName, url: failing.url, events: ["order.*"], retry_policy: [1] });
  await callApi(request, "POST", "/api/webhooks", { name: healthyName, url: healthy.url, events: ["order.*"] });
  await callApi(request, "POST", "/api/events", { type: "order.created", id: publisherId, data: { order_id: publisherId, total: 125000, currency: "IDR" } });
  await expect
    .poll(async () => {
      const event = await callApi<{ deliveries: EventDelivery[] }>(request, "GET", `/api/events/${publisherId}`);
      return event.deliveries.filter((d) => d.webhook_name === failingName || d.webhook_name === healthyName).map((d) => `${d.webhook_name}:${d.status}`).sort();
    }, { timeout: 30_000 })
    .toEqual([`${failingName}:dead`, `${healthyName}:succeeded`]);
  page = await browser.newPage();
  await signIn(page);
});

test.afterAll(async () => {
  await page?.close();
  await failing?.close();
  await healthy?.close();
});

const deliveryRow = (name: string) => page.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: name });

test("the Events page lists the event with its fan-out and filters it as failed", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Events" }).click();
  await expect(page.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
  const row = page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: publisherId });
  await expect(row).toBeVisible();
  await expect(row.getByText("Failed")).toBeVisible();
  // Other specs' webhooks in this account may subscribe to order.* too: at least our one is dead.
  await expect(row.getByText(/^[1-9]\d* dead$/)).toBeVisible();

  await page.getByLabel("Status").selectOption("delivered");
  await expect(page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: publisherId })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("failed");
  await expect(row).toBeVisible();
  await shot(page, "events");
});

test("finds the event by its publisher id and shows each delivery with its attempts", async () => {
  await page.getByLabel("Event id").fill("no-such-event");
  await page.getByRole("button", { name: "Find event" }).click();
  await expect(page.getByText("No event with the id “no-such-event” in this account.")).toBeVisible();

  await page.getByLabel("Event id").fill(publisherId);
  await page.getByRole("button", { name: "Find event" }).click();
  await expect(page).toHaveURL(/\/events\/evt_/);
  await expect(page.getByRole("heading", { name: "order.created", level: 1 })).toBeVisible();
  await expect(page.getByText(publisherId, { exact: true })).toBeVisible();
  await expect(page.getByLabel("Event payload")).toContainText('"total": 125000');

  await expect(deliveryRow(healthyName).getByText("Succeeded")).toBeVisible();
  await expect(deliveryRow(failingName).getByText("Dead")).toBeVisible();
  await deliveryRow(failingName).getByRole("button", { name: `Attempts to ${failingName}` }).click();
  const attempts = page.getByRole("list", { name: `Attempts of the delivery to ${failingName}` });
  await expect(attempts.getByRole("listitem")).toHaveCount(2);
  await page.getByRole("button", { name: `Details of attempt 1 to ${failingName}` }).click();
  const drawer = page.getByRole("dialog", { name: "Attempt 1 · order.created" });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByText("500").first()).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
});

test("replays the dead delivery from the event page; the receiver, now healthy, gets it", async () => {
  const before = failing.requests.length;
  failing.setStatus(200);
  await deliveryRow(failingName).getByRole("button", { name: `Replay the delivery to ${failingName}` }).click();
  await expect(page.getByText(`Replayed to ${failingName}: a new delivery`)).toBeVisible();
  await expect(deliveryRow(failingName).getByText(/^Replayed/)).toBeVisible();
  // The replay is a new delivery to the same webhook, and it succeeds.
  await expect(deliveryRow(failingName).filter({ hasText: "Succeeded" })).toHaveCount(1, { timeout: 30_000 });
  expect(failing.requests.length).toBeGreaterThan(before);
  expect(JSON.parse(failing.requests.at(-1)!.body).data.order_id).toBe(publisherId);
  await shot(page, "event-detail");
});

test("an event forwarded from an integration names its inbound source, which links back to it", async ({ request }) => {
  const integration = await callApi<{ id: string; webhook_secret: string }>(request, "POST", "/api/integrations", {
    name: `E2E POS ${run}`,
    source_system: "pawoon",
    user_id: `e2e-${run}`,
    forward_as: "pos",
  });
  const raw = JSON.stringify({ event: "transaction.created", data: { transaction_id: `trx-${run}`, total: 99000 } });
  const signature = "sha256=" + createHmac("sha256", Buffer.from(integration.webhook_secret, "utf8")).update(raw).digest("hex");
  const received = await request.post(`/v1/integrations/webhooks/pawoon/e2e-${run}`, { data: raw, headers: { "content-type": "application/json", "x-webhook-signature": signature } });
  expect(received.status()).toBe(200);
  const inboundId = (await received.json()).internal_id as string;
  // The embedded engine processes it and forwards it as an outbound event.
  let eventId = "";
  await expect
    .poll(async () => {
      const events = await callApi<{ id: string; outbound_events: { id: string }[] }[]>(request, "GET", `/api/integrations/${integration.id}/events`);
      eventId = events.find((e) => e.id === inboundId)?.outbound_events[0]?.id ?? "";
      return eventId;
    }, { timeout: 30_000 })
    .toMatch(/^evt_/);

  await page.goto(`/events/${eventId}`);
  await expect(page.getByRole("heading", { name: "transaction.created", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Source" })).toBeVisible();
  await expect(page.getByText(inboundId, { exact: true })).toBeVisible();
  await shot(page, "event-detail-forwarded");
  await page.getByRole("link", { name: `E2E POS ${run}` }).click();
  await expect(page).toHaveURL(new RegExp(`/integrations\\?integration=${integration.id}`));
  await expect(page.getByRole("heading", { name: `Received by E2E POS ${run}` })).toBeVisible();
  await page.getByRole("link", { name: `→ published transaction.created (${eventId})` }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${eventId}`));
});

test("the Events page and the event page fit a phone's width", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto("/events");
  await expect(page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: publisherId })).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, "events-mobile");
  await page.goto(`/events/${publisherId}`);
  await expect(page.getByRole("table", { name: "Deliveries" })).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, "event-detail-mobile");
});
