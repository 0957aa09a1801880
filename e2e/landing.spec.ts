import { expect, test } from "@playwright/test";

test("the signed-out landing says what Opsdeck is", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page).toHaveTitle(/Opsdeck/);
  await expect(page.getByText(/audit/i).first()).toBeVisible();
  await expect(page.getByText(/backup/i).first()).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/landing-1280.png", fullPage: true });
});

test("the landing reads on a phone-sized screen without horizontal scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/landing-390.png", fullPage: true });
});

test("GET /api/health answers 200 with the database up and no pending migrations", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toContain("no-store");
  const body = (await res.json()) as { status: string; version: string; database: { ok: boolean; latencyMs: number }; migrations: { applied: number; pending: number } };
  expect(body.status).toBe("ok");
  expect(body.database.ok).toBe(true);
  expect(typeof body.database.latencyMs).toBe("number");
  expect(body.migrations.pending).toBe(0);
  expect(body.migrations.applied).toBeGreaterThan(0);
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});
