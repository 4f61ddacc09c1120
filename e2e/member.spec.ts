// Tenancy in the browser: a merchant (member) sees only its own account; an operator (admin)
// can switch to it.
import { expect, test } from "@playwright/test";
import { callApi, shot } from "./fixtures/api";
import { signIn } from "./fixtures/sign-in";

const MEMBER = { email: "merchant@e2e.test", password: "merchant-password-1" };
let adminWebhookId: string;
let memberAccountId: string;

test.beforeAll(async ({ request }) => {
  adminWebhookId = (await callApi(request, "POST", "/api/webhooks", { name: "Operator only", url: "http://127.0.0.1:9/operator", events: ["user.deleted"] })).id;
  const account = await callApi(request, "POST", "/api/accounts", { name: "Merchant Co", member_email: MEMBER.email, member_password: MEMBER.password });
  memberAccountId = account.id;
  // The admin key acts on the merchant's account by naming it.
  await callApi(request, "POST", "/api/webhooks", { name: "Merchant shop", url: "http://127.0.0.1:9/merchant", events: ["order.*"] }, { "x-hookrelay-account": memberAccountId });
});

test("a member sees only its own account's webhooks", async ({ page }) => {
  await signIn(page, MEMBER);
  const table = page.getByRole("table", { name: "Webhooks" });
  await expect(table.getByRole("link", { name: "Merchant shop" })).toBeVisible();
  await expect(table.getByRole("link", { name: "Operator only" })).toHaveCount(0);
  await expect(page.getByLabel("Account")).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "webhooks-mobile");
});

test("a member opening another account's webhook gets a not-found state", async ({ page }) => {
  await signIn(page, MEMBER);
  await page.goto(`/webhooks/${adminWebhookId}`);
  await expect(page.getByText("Webhook not found")).toBeVisible();
  await expect(page.getByText("Operator only")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Back to webhooks" })).toBeVisible();
});

test("an admin switches to the merchant's account with the account switcher", async ({ page }) => {
  await signIn(page);
  const table = page.getByRole("table", { name: "Webhooks" });
  await expect(table.getByRole("link", { name: "Operator only" })).toBeVisible();
  await page.getByLabel("Account").selectOption({ label: "Merchant Co" });
  await expect(table.getByRole("link", { name: "Merchant shop" })).toBeVisible();
  await expect(table.getByRole("link", { name: "Operator only" })).toHaveCount(0);
  // The choice is remembered across reloads.
  await page.reload();
  await expect(page.getByLabel("Account")).toHaveValue(memberAccountId);
  await expect(page.getByRole("table", { name: "Webhooks" }).getByRole("link", { name: "Merchant shop" })).toBeVisible();
  await page.getByLabel("Account").selectOption({ index: 0 });
  await expect(page.getByRole("table", { name: "Webhooks" }).getByRole("link", { name: "Operator only" })).toBeVisible();
});
