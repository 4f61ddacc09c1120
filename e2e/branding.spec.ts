// The app's icon and logo (public/): served with the right types past the security headers,
// announced by every page, and shown on the sign-in page and in the navigation.
import { expect, test } from "@playwright/test";
import { shot } from "./fixtures/api";
import { signIn } from "./fixtures/sign-in";

test("serves the favicon, the SVG icon, the apple touch icon and the logo", async ({ request }) => {
  for (const [path, type] of [
    ["/favicon.ico", /^image\/(x-icon|vnd\.microsoft\.icon)/],
    ["/icon.svg", /^image\/svg\+xml/],
    ["/apple-touch-icon.png", /^image\/png/],
    ["/logo.svg", /^image\/svg\+xml/],
  ] as const) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"], path).toMatch(type);
    expect(res.headers()["x-content-type-options"], path).toBe("nosniff");
    expect((await res.body()).byteLength, path).toBeGreaterThan(100);
  }
  const png = await (await request.get("/apple-touch-icon.png")).body();
  // PNG IHDR: width and height at bytes 16–23.
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([180, 180]);
  const ico = await (await request.get("/favicon.ico")).body();
  expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
});

test("the sign-in page shows the logo and announces the icons; signed in, the navigation shows the icon", async ({ page }) => {
  await page.goto("/sign-in");
  const logo = page.getByRole("img", { name: "Hookrelay" });
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(page.locator('link[rel="icon"][href="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('link[rel="icon"][href="/icon.svg"]')).toHaveCount(1);
  await expect(page.locator('link[rel="apple-touch-icon"][href="/apple-touch-icon.png"]')).toHaveCount(1);
  await shot(page, "sign-in-logo");

  await signIn(page);
  const home = page.getByRole("link", { name: "Hookrelay" });
  await expect(home).toBeVisible();
  const icon = home.locator("img");
  expect(await icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await shot(page, "nav-icon");
});
