// API keys and integrations, through their pages.
import { expect, test } from "@playwright/test";
import { shot } from "./fixtures/api";
import { signIn } from "./fixtures/sign-in";

test("creates an API key, shows it once, and revokes it after confirmation", async ({ page, request }) => {
  await signIn(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: "bootstrap" })).toBeVisible();

  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByRole("dialog", { name: "Create API key" }).getByLabel("Name").fill("E2E service");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByRole("dialog", { name: "API key created" }).getByLabel("API key").inputValue();
  expect(key).toMatch(/^hr_/);
  expect((await request.get("/api/webhooks", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(200);
  await page.getByRole("button", { name: "I've saved it" }).click();

  const row = page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: "E2E service" });
  await expect(row).toContainText(key.slice(0, 10));
  await expect(row).toContainText("Active");
  await expect(page.getByText(key)).toHaveCount(0);
  await shot(page, "api-keys");

  await row.getByRole("button", { name: "Revoke E2E service" }).click();
  await page.getByRole("dialog", { name: "Revoke API key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("Revoked");
  expect((await request.get("/api/webhooks", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
});

test("adds an integration, shows its secret once, and lists what it received", async ({ page }) => {
  await signIn(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Add integration" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add integration" });
  await dialog.getByLabel("Source system").fill("Not A Slug");
  await dialog.getByRole("button", { name: "Add integration" }).click();
  await expect(dialog.getByText(/lowercase slug/).first()).toBeVisible();
  await dialog.getByLabel("Source system").fill("pawoon");
  await dialog.getByLabel("User ID").fill("merchant-42");
  await dialog.getByLabel("Name").fill("Pawoon POS");
  await dialog.getByRole("button", { name: "Add integration" }).click();
  const created = page.getByRole("dialog", { name: "Integration added" });
  await expect(created.getByLabel("Webhook secret")).toHaveValue(/.{16,}/);
  await expect(created.getByLabel("Receive URL")).toHaveValue(/\/v1\/integrations\/webhooks\/pawoon\/merchant-42$/);
  await created.getByRole("button", { name: "I've saved it" }).click();

  const row = page.getByRole("table", { name: "Integrations" }).getByRole("row").filter({ hasText: "Pawoon POS" });
  await row.getByRole("button", { name: "Events" }).click();
  await expect(page.getByText("Nothing received yet")).toBeVisible();
  await shot(page, "integrations");
});

test("the dashboard and webhook pages work at 390 px", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "dashboard-mobile");
});
