// Issue 20, part 1: an operator creates a merchant account and adds its first user with a
// one-time link; that user chooses a password, signs in, and sees only their own account.
import { expect, test, type Page } from "@playwright/test";
import { callApi, shot } from "./fixtures/api";
import { startReceiver, type Receiver } from "./fixtures/receiver";
import { signIn } from "./fixtures/sign-in";

const OWNER = { email: "bean-owner@e2e.test", password: "bean-owner-password-1" };
let receiver: Receiver;

test.beforeAll(async ({ request }) => {
  receiver = await startReceiver(200);
  await callApi(request, "POST", "/api/webhooks", { name: "Back-office hooks", url: "http://127.0.0.1:9/operator", events: ["user.deleted"] });
});

test.afterAll(async () => {
  await receiver?.close();
});

/** The operator's side: Accounts in the nav, create the account, add a user without a password. */
async function createAccountWithLink(page: Page): Promise<{ accountId: string; link: string }> {
  await signIn(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts" }).click();
  await expect(page.getByRole("heading", { name: "Accounts", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("dialog", { name: "Create account" }).getByLabel("Account name").fill("Bean Shop");
  await page.getByRole("dialog", { name: "Create account" }).getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts\/acct_/);
  await expect(page.getByRole("heading", { name: /Bean Shop/, level: 1 })).toBeVisible();
  const accountId = page.url().split("/").pop()!;

  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByLabel("Email").fill(OWNER.email);
  await dialog.getByLabel("Name").fill("Bea Owner");
  await dialog.getByRole("button", { name: "Add user" }).click();
  const link = await page.getByRole("dialog", { name: "One-time password link" }).getByLabel("Set-password link").inputValue();
  expect(link).toMatch(/\/set-password\?token=/);
  await page.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: OWNER.email });
  await expect(row).toContainText("Waiting for link");
  await expect(row.getByLabel(`Role of ${OWNER.email}`)).toHaveValue("member");
  return { accountId, link };
}

test("an operator adds a merchant and its user, who sets a password and sees only their own webhooks", async ({ page, browser, request }) => {
  const { accountId, link } = await createAccountWithLink(page);

  // The merchant's own webhook, with a delivery, made with the admin key acting on that account.
  const own = { "x-hookrelay-account": accountId };
  const webhook = await callApi(request, "POST", "/api/webhooks", { name: "Bean Shop orders", url: receiver.url, events: ["order.*"] }, own);
  await callApi(request, "POST", `/api/webhooks/${webhook.id}/test`, { event: "order.created" }, own);

  // Portal branding, with its preview.
  await page.getByLabel("Display name").fill("Bean & Co");
  await page.getByLabel("Accent colour", { exact: true }).fill("#b45309");
  await expect(page.getByRole("figure", { name: "Portal preview" })).toContainText("Bean & Co");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Branding saved." })).toBeVisible();
  expect((await callApi(request, "GET", `/api/accounts/${accountId}`)).portal_branding).toEqual({ display_name: "Bean & Co", accent_color: "#b45309", logo_url: null });
  await shot(page, "account-detail");

  // The list shows the merchant's webhooks and 24 h health.
  await page.getByRole("link", { name: "← All accounts" }).click();
  const listRow = page.getByRole("table", { name: "Accounts" }).getByRole("row").filter({ hasText: "Bean Shop" });
  await expect(listRow.getByRole("cell").nth(2)).toHaveText("1");
  await expect(listRow).toContainText("100%");
  await shot(page, "accounts");

  // The merchant, in a browser of their own: set the password through the link, then sign in.
  const merchant = await browser.newContext();
  const mPage = await merchant.newPage();
  await mPage.goto(link);
  await expect(mPage.getByRole("heading", { name: "Set your password" })).toBeVisible();
  await expect(mPage.getByText(OWNER.email)).toBeVisible();
  await shot(mPage, "set-password");
  await mPage.getByLabel("New password").fill(OWNER.password);
  await mPage.getByLabel("Repeat the password").fill(OWNER.password);
  await mPage.getByRole("button", { name: "Set password" }).click();
  await expect(mPage.getByText("Your password is set. Sign in with it.")).toBeVisible();
  await expect(mPage.getByLabel("Email")).toHaveValue(OWNER.email);
  await signIn(mPage, OWNER);

  const table = mPage.getByRole("table", { name: "Webhooks" });
  await expect(table.getByRole("link", { name: "Bean Shop orders" })).toBeVisible();
  await expect(table.getByRole("link", { name: "Back-office hooks" })).toHaveCount(0);
  await expect(mPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts" })).toHaveCount(0);
  await expect(mPage.getByLabel("Account")).toHaveCount(0);
  // The Accounts pages are not there for a member.
  const response = await mPage.goto(`/accounts/${accountId}`);
  expect(response?.status()).toBe(404);
  await expect(mPage.getByRole("heading", { name: /Bean Shop/ })).toHaveCount(0);

  // The link worked once.
  await mPage.goto(link);
  await expect(mPage.getByRole("heading", { name: "This link has expired" })).toBeVisible();

  // Disabled by the operator: the merchant's open page and next sign-in are refused.
  await page.getByRole("link", { name: "Bean Shop" }).click();
  await page.getByRole("button", { name: "Disable account" }).click();
  await page.getByRole("dialog", { name: "Disable account?" }).getByRole("button", { name: "Disable account" }).click();
  await expect(page.getByRole("button", { name: "Enable account" })).toBeVisible();
  await mPage.goto("/webhooks");
  await expect(mPage.getByRole("heading", { name: "This account is disabled" })).toBeVisible();
  await shot(mPage, "account-disabled");
  await mPage.getByRole("button", { name: "Sign out" }).click();
  await mPage.getByLabel("Email").fill(OWNER.email);
  await mPage.getByLabel("Password").fill(OWNER.password);
  await mPage.getByRole("button", { name: "Sign in" }).click();
  await expect(mPage.getByText("This account is disabled. Ask your operator to enable it again.")).toBeVisible();
  await merchant.close();
});

test("the last admin of the operator account cannot be demoted from the account page", async ({ page }) => {
  await signIn(page);
  await page.goto("/accounts");
  await page.getByRole("table", { name: "Accounts" }).getByRole("row").filter({ hasText: "Operator (yours)" }).getByRole("link").click();
  await expect(page.getByRole("button", { name: "Delete account" })).toBeDisabled();
  const role = page.getByLabel("Role of admin@e2e.test");
  await role.selectOption("member");
  await expect(page.getByText(/last admin of this account/)).toBeVisible();
  await expect(role).toHaveValue("admin");
});
