// The endpoint check and the replay preview on a webhook's page: Check endpoint shows the
// checklist for a receiver that accepts everything; Replay all since… shows what it would
// replay before asking to confirm, and the replays carry webhook-replay and link to their origin.
import { expect, test, type Page } from "@playwright/test";
import { callApi, shot } from "./fixtures/api";
import { startReceiver, type Receiver } from "./fixtures/receiver";
import { signIn } from "./fixtures/sign-in";

test.describe.configure({ mode: "serial" });

let receiver: Receiver;
let page: Page;
let webhookId: string;

test.beforeAll(async ({ browser, request }) => {
  receiver = await startReceiver(200);
  const webhook = await callApi(request, "POST", "/api/webhooks", { name: "E2E check and replay", url: receiver.url, events: ["order.*"], retry_policy: [1] });
  webhookId = webhook.id;
  page = await browser.newPage();
  await signIn(page);
  await page.goto(`/webhooks/${webhookId}`);
  await expect(page.getByRole("heading", { name: "E2E check and replay", level: 1 })).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await receiver?.close();
});

const logTable = () => page.getByRole("table", { name: "Delivery log" });

test("Check endpoint runs the checklist and says what to fix; the check requests show in the log with a check badge", async () => {
  await page.getByRole("button", { name: "Check endpoint" }).click();
  const checklist = page.getByRole("list", { name: "Endpoint checklist" });
  await expect(checklist).toBeVisible();
  await expect(page.getByText("2 of 5 checks failed.")).toBeVisible();
  const item = (name: string) => checklist.getByRole("listitem", { name });
  await expect(item("Accepts a correctly signed request (2xx)")).toContainText("Pass");
  await expect(item("Refuses a wrongly signed request (4xx)")).toContainText("Fail");
  await expect(item("Refuses a wrongly signed request (4xx)")).toContainText("Fix: Verify webhook-signature");
  await expect(item("Refuses a timestamp outside a 5-minute window (4xx)")).toContainText("Fail");
  await expect(item("Answers within the webhook's timeout")).toContainText(/Answered the signed request in \d+ ms/);
  await expect(item("Accepts the same event id twice (idempotent)")).toContainText("[200, 200]");

  // Four requests reached the receiver, each marked as a check.
  expect(receiver.requests).toHaveLength(4);
  for (const r of receiver.requests) expect(r.headers["webhook-check"]).toBe("1");
  const checks = logTable().getByRole("row").filter({ hasText: "check ·" });
  await expect(checks).toHaveCount(4);
  await expect(checks.filter({ hasText: "check · wrong signature" })).toContainText("200");
  await shot(page, "webhook-check-endpoint");
});

test("Replay all since… previews the dead letters, changes nothing on Cancel, and replays them on confirm", async ({ request }) => {
  receiver.setStatus(500);
  for (const n of [1, 2, 3]) await callApi(request, "POST", "/api/events", { type: "order.created", id: `evt_e2e_preview_${n}`, data: { order_id: `ord_${n}` } });
  await page.getByRole("tab", { name: /Dead letters/ }).click();
  const deadRows = page.getByRole("table", { name: "Dead letters" }).getByRole("row").filter({ hasText: "evt_e2e_preview_" });
  await expect(deadRows).toHaveCount(3, { timeout: 30_000 });
  receiver.setStatus(200);
  const before = receiver.requests.length;

  await page.getByLabel("Replay all since").fill("2020-01-01T00:00");
  await page.getByRole("button", { name: "Replay all" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay 3 dead letters?" });
  await expect(dialog).toBeVisible();
  const listed = dialog.getByRole("list", { name: "Dead letters to replay" }).getByRole("listitem");
  await expect(listed).toHaveCount(3);
  for (const n of [1, 2, 3]) await expect(listed.filter({ hasText: `evt_e2e_preview_${n}` })).toContainText("retry policy exhausted");
  await shot(page, "webhook-replay-preview");

  // The preview changed nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  for (const row of await deadRows.all()) await expect(row).toContainText("Not yet");
  expect(receiver.requests.length).toBe(before);

  await page.getByRole("button", { name: "Replay all" }).click();
  await page.getByRole("dialog", { name: "Replay 3 dead letters?" }).getByRole("button", { name: "Replay 3" }).click();
  await expect(page.getByText("Replayed 3 deliveries.")).toBeVisible();
  for (const row of await deadRows.all()) await expect(row).toContainText("Replayed");

  // Each replay reaches the receiver marked with the delivery it replays.
  await expect.poll(() => receiver.requests.slice(before).filter((r) => r.headers["webhook-replay"]).length, { timeout: 20_000 }).toBe(3);
  for (const r of receiver.requests.slice(before)) expect(r.headers["webhook-replay"]).toMatch(/^dlv_/);
});

test("the delivery log links a replay to the delivery it replays", async () => {
  await page.getByRole("tab", { name: "Delivery log" }).click();
  const replayRow = logTable().getByRole("row").filter({ hasText: "evt_e2e_preview_1" }).filter({ hasText: "Succeeded" });
  await expect(replayRow).toHaveCount(1, { timeout: 20_000 });
  await shot(page, "webhook-replay-log");
  const link = replayRow.getByRole("button", { name: /^Replay of dlv_/ });
  const origin = ((await link.getAttribute("aria-label")) ?? "").replace("Replay of ", "");
  await link.click();
  await expect(page.getByText(`Attempts of delivery ${origin}`)).toBeVisible();
  // Only the original delivery's attempts: the two failures before it died.
  const rows = logTable().getByRole("row").filter({ hasText: "evt_e2e_preview_1" });
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) await expect(row).toContainText("Failed");
  await shot(page, "webhook-replay-origin");
  await page.getByRole("button", { name: "Show all deliveries" }).click();
  await expect(logTable().getByRole("row").filter({ hasText: "evt_e2e_preview_" })).toHaveCount(9);
});
