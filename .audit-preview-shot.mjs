import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
const { cookies } = JSON.parse(readFileSync("/tmp/audit-preview/cookies.json", "utf8"));
const base = "http://127.0.0.1:3123";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
async function shot(role, path, file, width, height, fn) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  await ctx.addCookies([{ name: "opsdeck.session-token", value: cookies[role], url: base }]);
  const page = await ctx.newPage();
  const res = await page.goto(base + path, { waitUntil: "networkidle", timeout: 120000 });
  console.log(file, res?.status(), page.url());
  if (fn) await fn(page);
  await page.screenshot({ path: `/tmp/audit-preview/${file}.png`, fullPage: true });
  await page.screenshot({ path: `/tmp/audit-preview/${file}-top.png` });
  await ctx.close();
}
const what = process.argv[2] ?? "all";
if (what === "all" || what === "list") {
  await shot("admin", "/audit", "admin-1280", 1280, 900);
  await shot("auditor", "/audit?action=container&outcome=failed", "auditor-filter-1280", 1280, 900);
  await shot("auditor", "/audit", "auditor-phone", 390, 844, async (page) => {
    await page.screenshot({ path: "/tmp/audit-preview/phone-first.png" });
    await page.getByRole("heading", { name: "Entries" }).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 720));
    await page.screenshot({ path: "/tmp/audit-preview/phone-entries.png" });
  });
}
if (what === "all" || what === "verify") {
  await shot("auditor", "/audit?limit=5", "verify-1280", 1280, 900, async (page) => {
    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText(/Chain intact|broken/).waitFor({ timeout: 60000 });
  });
}
if (what === "all" || what === "detail") {
  await shot("auditor", "/audit?limit=5", "tmp", 1280, 900, async (page) => {
    await page.locator("table a").nth(1).click();
    await page.waitForURL(/\/audit\/[0-9a-f-]{36}/);
    await page.waitForLoadState("networkidle");
    console.log("detail url", page.url());
    await page.screenshot({ path: `/tmp/audit-preview/detail-1280.png`, fullPage: true });
  });
}
if (what === "bad") {
  await shot("auditor", "/audit?from=yesterday&outcome=boom", "bad-filter", 1280, 900);
}
await browser.close();
