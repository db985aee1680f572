import fs from "node:fs";
import ExcelJS from "exceljs";
import type { Browser } from "playwright-core";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { BULK, seedBulkFindings } from "../integration/bulk-seed.js";
import { startTestServer } from "../integration/web-client.js";
import { NOW, seedReview, seedUsers } from "../integration/web-seed.js";
import { check, launchChromium, signInAt, SLOW } from "./browser.js";

/**
 * Reviewing at scale in a real browser: 200 findings of £12.50 from one provider (£2,500.00,
 * worked by hand) confirmed in one action after the count and total are shown; an invoice found
 * by its number; the filtered list downloaded, its amounts adding up to the page's total. Every
 * page scanned with axe-core.
 */
let t: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  t = await openTestDatabase();
  await seedReview(t.db, t.dataDir);
  await seedBulkFindings(t.db, 200);
  await seedUsers(t.db);
  server = await startTestServer(t, { now: () => NOW });
  browser = await launchChromium();
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
});

describe("reviewing at scale in the browser", () => {
  it("finds an invoice by number, downloads the filtered findings with the page's total, and confirms 200 in one action", async () => {
    const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
    const page = await context.newPage();
    const violations: string[] = [];
    await signInAt(page, server.url, "finance");
    await page.goto(`${server.url}/findings`);

    // Search by invoice number.
    await page.getByLabel("Search").fill("BR-0007");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/q=BR-0007/);
    expect((await page.locator("#result-count").textContent())?.replace(/\s+/g, " ").trim()).toBe("10 findings totalling £125.00");
    const invoices = await page.locator("#findings tbody tr td:nth-child(4)").allTextContents();
    expect(new Set(invoices.map((s) => s.trim()))).toEqual(new Set(["BR-0007"]));
    violations.push(...(await check(page, "findings-search")));

    // Filter by the provider: 200 findings, £2,500.00; the export adds up to the same.
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Provider").selectOption(BULK.providerId);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/provider=P3/);
    expect(await page.locator("#result-total").textContent()).toBe("£2,500.00");
    violations.push(...(await check(page, "findings-filtered")));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download these 200 findings (CSV)" }).click()]);
    const csv = fs.readFileSync(await download.path(), "utf8");
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(rows).toHaveLength(200);
    const pence = rows.reduce((sum, r) => sum + Math.round(Number(r.amount) * 100), 0);
    expect(pence).toBe(250_000);
    const [xlsxDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download these 200 findings (Excel)" }).click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await xlsxDownload.path());
    let xlsxPence = 0;
    workbook.getWorksheet("Findings")?.eachRow((row, n) => {
      if (n > 1) xlsxPence += Math.round(Number(row.getCell(6).value) * 100);
    });
    expect(xlsxPence).toBe(250_000);

    // Select all matching: count and total first, then one action.
    await page.getByRole("link", { name: "Confirm all 200 open findings matching these filters (£2,500.00)" }).click();
    await page.waitForURL(/\/findings\/confirm-all\?provider=P3/);
    expect((await page.locator("#confirm-all-totals").textContent())?.replace(/\s+/g, " ").trim()).toBe("200 open findings totalling £2,500.00 match these filters.");
    violations.push(...(await check(page, "confirm-all")));
    await page.getByRole("button", { name: "Confirm 200 findings" }).click();
    await page.waitForSelector(".govuk-notification-banner--success");
    expect(await page.locator(".govuk-notification-banner").textContent()).toContain("200 findings confirmed.");
    violations.push(...(await check(page, "findings-after-confirm-all")));
    const statuses = await t.db.knex("findings").where({ provider_id: BULK.providerId }).pluck<string[]>("status");
    expect(statuses.filter((s) => s === "confirmed")).toHaveLength(200);
    expect(violations).toEqual([]);
    await context.close();
  }, SLOW);
});
