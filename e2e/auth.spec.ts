import { expect, test } from "@playwright/test";
import { artifact } from "./fixtures/api";
import { ADMIN } from "./fixtures/env";
import { signIn } from "./fixtures/sign-in";

test("a signed-out visitor is sent to the sign-in page", async ({ page }) => {
  await page.goto("/webhooks");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.screenshot({ path: artifact("sign-in") });
});

test("a wrong password shows an error and stays on the sign-in page", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the admin signs in, sees the navigation and signs out", async ({ page }) => {
  await signIn(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const link of ["Dashboard", "Webhooks", "Integrations", "API keys"]) await expect(nav.getByRole("link", { name: link })).toBeVisible();
  await expect(page.getByLabel("Account")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
});
