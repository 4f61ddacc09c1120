// The operator's main path: create a webhook to a real receiver in the browser, test it, watch
// failures retry into a dead letter, replay it, and read the charts.
import { expect, test, type Page } from "@playwright/test";
import { artifact, callApi, shot } from "./fixtures/api";
import { startReceiver, type Receiver } from "./fixtures/receiver";
import { signIn } from "./fixtures/sign-in";

test.describe.configure({ mode: "serial" });

let receiver: Receiver;
let page: Page;
let webhookUrl: string;

test.beforeAll(async ({ browser }) => {
  receiver = await startReceiver(200);
  page = await browser.newPage();
  await signIn(page);
});

test.afterAll(async () => {
  await page?.close();
  await receiver?.close();
});

const logTable = () => page.getByRole("table", { name: "Delivery log" });

test("creates a webhook to the receiver with the form and shows its secret once", async () => {
  await page.getByRole("link", { name: "Create Webhook" }).first().click();
  await expect(page.getByRole("heading", { name: "Create webhook" })).toBeVisible();

  // Browser-side validation: nothing filled in.
  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByText("name is required")).toBeVisible();
  await expect(page.getByText("subscribe to at least one event")).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill("E2E orders");
  await page.getByLabel("URL").fill(receiver.url);
  await page.getByLabel("Description").fill("Created by the end-to-end test");
  await page.getByRole("checkbox", { name: "All order events (order.*)" }).check();
  await expect(page.getByRole("checkbox", { name: "order.created" })).toBeDisabled();
  await page.getByRole("checkbox", { name: "payment.failed" }).check();

  await page.getByText("Advanced").click();
  await page.getByLabel("Retry policy").selectOption("custom");
  await page.getByLabel("Custom retry delays (seconds)").fill("1, 1");
  await page.getByLabel("Timeout (ms)").fill("5000");
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByRole("textbox", { name: "Header name 1" }).fill("X-Tenant");
  await page.getByRole("textbox", { name: "Header value 1" }).fill("e2e");
  await page.getByLabel("Debug mode").check();
  await shot(page, "webhook-create");

  await page.getByRole("button", { name: "Create webhook" }).click();
  await expect(page.getByRole("heading", { name: "Webhook created" })).toBeVisible();
  const secret = await page.getByLabel("Signing secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByRole("button", { name: "I've saved it" }).click();

  await expect(page.getByRole("heading", { name: "E2E orders", level: 1 })).toBeVisible();
  webhookUrl = page.url();
  expect(webhookUrl).toMatch(/\/webhooks\/wh_/);
  await expect(page.getByText("custom: 1 s, 1 s")).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);
});

test("Send Test delivers to the receiver and the 200 shows in the log", async () => {
  await page.getByLabel("Event type").selectOption("order.created");
  await page.getByRole("button", { name: "Send Test" }).click();
  const result = page.getByRole("status", { name: "Test result" });
  await expect(result).toContainText("Succeeded");
  await expect(result).toContainText("200");
  await expect(result).toContainText("ms");

  const row = logTable().getByRole("row").filter({ hasText: "order.created" }).first();
  await expect(row).toContainText("Succeeded");
  await expect(row).toContainText("200");
  expect(receiver.requests.at(-1)?.headers["webhook-signature"]).toMatch(/^v1,/);
  expect(receiver.requests.at(-1)?.headers["x-tenant"]).toBe("e2e");

  // The detail drawer shows what was sent and what came back.
  await row.click();
  const drawer = page.getByRole("dialog", { name: /Attempt 1 · order.created/ });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByLabel("Request headers")).toContainText("webhook-signature");
  await expect(drawer.getByLabel("Request body")).toContainText("order.created");
  await expect(drawer.getByLabel("Response body")).toContainText("received");
  await page.screenshot({ path: artifact("attempt-drawer") });
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
});

test("failed attempts retry on the short policy, then the dead letter appears", async ({ request }) => {
  receiver.setStatus(500);
  const published = await callApi(request, "POST", "/api/events", { type: "payment.failed", id: "evt_e2e_dead_1", data: { payment_id: "pay_1", amount: 1250 } });
  expect(published.deliveries.map((d: { webhook_id: string }) => d.webhook_id)).toContain(webhookUrl.split("/").at(-1));

  const failedRows = logTable().getByRole("row").filter({ hasText: "evt_e2e_dead_1" });
  await expect(failedRows).toHaveCount(3, { timeout: 20_000 });
  for (const n of [1, 2, 3]) await expect(failedRows.filter({ hasText: `#${n}` })).toContainText("Failed");
  await expect(failedRows.first()).toContainText("500");

  await page.getByRole("tab", { name: "Deliveries" }).click();
  await expect(page.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: "evt_e2e_dead_1" })).toContainText("Dead");

  await page.getByRole("tab", { name: /Dead letters/ }).click();
  const dead = page.getByRole("table", { name: "Dead letters" }).getByRole("row").filter({ hasText: "evt_e2e_dead_1" });
  await expect(dead).toContainText("retry policy exhausted after 3 attempts");
  await expect(dead).toContainText("Not yet");
  await expect(page.getByText("Failing", { exact: true }).first()).toBeVisible();
  await shot(page, "webhook-dead-letters");
});

test("Replay delivers the dead letter again once the receiver recovers", async () => {
  receiver.setStatus(200);
  const dead = page.getByRole("table", { name: "Dead letters" }).getByRole("row").filter({ hasText: "evt_e2e_dead_1" });
  await dead.getByRole("button", { name: "Replay" }).click();
  await expect(page.getByText("Replayed 1 delivery.")).toBeVisible();
  await expect(dead).toContainText("Replayed");

  await page.getByRole("tab", { name: "Delivery log" }).click();
  const succeeded = logTable().getByRole("row").filter({ hasText: "evt_e2e_dead_1" }).filter({ hasText: "Succeeded" });
  await expect(succeeded).toHaveCount(1, { timeout: 20_000 });
  await expect(succeeded).toContainText("200");
  await expect(page.getByRole("heading", { name: "E2E orders", level: 1 }).locator("..").getByText("Active")).toBeVisible();
});

test("Replay all since… re-queues every dead letter since the chosen time", async ({ request }) => {
  receiver.setStatus(500);
  await callApi(request, "POST", "/api/events", { type: "order.cancelled", id: "evt_e2e_dead_2", data: { order_id: "ord_2" } });
  await page.getByRole("tab", { name: /Dead letters/ }).click();
  const dead = page.getByRole("table", { name: "Dead letters" }).getByRole("row").filter({ hasText: "evt_e2e_dead_2" });
  await expect(dead).toContainText("Not yet", { timeout: 20_000 });
  receiver.setStatus(200);
  await page.getByLabel("Replay all since").fill("2020-01-01T00:00");
  await page.getByRole("button", { name: "Replay all" }).click();
  // It shows what it would replay and asks first (e2e/check-and-replay.spec.ts tests the preview).
  await page.getByRole("dialog", { name: "Replay 1 dead letter?" }).getByRole("button", { name: "Replay 1" }).click();
  await expect(page.getByText("Replayed 1 delivery.")).toBeVisible();
  await expect(dead).toContainText("Replayed");
});

test("filters narrow the delivery log", async () => {
  await page.getByRole("tab", { name: "Delivery log" }).click();
  await page.getByLabel("Status", { exact: true }).selectOption("failed");
  await expect(logTable().getByRole("row").filter({ hasText: "Succeeded" })).toHaveCount(0);
  await expect(logTable().getByRole("row").filter({ hasText: "Failed" }).first()).toBeVisible();
  await page.getByLabel("Event", { exact: true }).selectOption("order.created");
  await expect(page.getByText("No attempts match these filters")).toBeVisible();
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.getByLabel("Event", { exact: true }).selectOption("");
});

test("the charts draw the attempts, and the window toggle switches", async () => {
  const health = page.getByRole("heading", { name: "Delivery health" }).locator("xpath=ancestor::section[1]");
  await expect(health.locator("svg .recharts-line-dot").first()).toBeVisible();
  expect(await health.locator("svg .recharts-line-curve").count()).toBeGreaterThan(0);
  await expect(health.locator("svg .recharts-bar-rectangle").first()).toBeVisible();
  await health.getByRole("button", { name: "24 h" }).click();
  await expect(health.getByRole("button", { name: "24 h" })).toHaveAttribute("aria-pressed", "true");
  await expect(health.locator("svg .recharts-line-dot").first()).toBeVisible();
  await shot(page, "webhook-detail");

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("button", { name: "Send Test" })).toBeVisible();
  // The charts take the new width when their ResizeObserver fires, a moment after the resize: poll.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await shot(page, "webhook-detail-mobile");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("the list shows the webhook with its health, and the dashboard its totals", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  const row = page.getByRole("table", { name: "Webhooks" }).getByRole("row").filter({ hasText: "E2E orders" });
  await expect(row).toContainText("Active");
  await expect(row).toContainText("%");
  await expect(row).toContainText(receiver.url);
  await shot(page, "webhooks");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Most failing endpoints" }).locator("xpath=ancestor::section[1]")).toContainText("E2E orders");
  await expect(page.locator("svg .recharts-bar-rectangle").first()).toBeVisible();
  await shot(page, "dashboard");
});

test("edit, disable, rotate the secret and delete with confirmation", async () => {
  await page.goto(webhookUrl);
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Name", { exact: true }).fill("E2E orders (edited)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "E2E orders (edited)", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("disabled by a user")).toBeVisible();
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByRole("button", { name: "Disable" })).toBeVisible();

  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("dialog", { name: "Rotate signing secret?" });
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  await expect(page.getByRole("dialog", { name: "New signing secret" }).getByLabel("Signing secret")).toHaveValue(/^whsec_/);
  await page.getByRole("button", { name: "I've saved it" }).click();

  await page.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete webhook?" });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete webhook?" }).getByRole("button", { name: "Delete webhook" }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(page.getByRole("link", { name: "E2E orders (edited)" })).toHaveCount(0);
});
