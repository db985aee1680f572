import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { octoberFeeLine, seedIfaPlacement, seedInvoice } from "../support/seed.js";
import { startTestServer } from "../integration/web-client.js";
import { seedUsers } from "../integration/web-seed.js";
import { check, launchChromium, signInAt, SLOW } from "./browser.js";

/**
 * The partial-recovery story in a real browser, every page scanned with axe-core. Worked by hand
 * from AUDIT.md (not from the engine): the placement's agreed weekly fee is £917.00, £131.00 a
 * night; the October line bills 31 nights @ £131.00 = £4,061.00 but prints £5,196.20, so
 * arithmetic-error = £5,196.20 − £4,061.00 = £1,135.20. The provider's credit note CN-0077 gives
 * back £500.00: £1,135.20 − £500.00 = £635.20 outstanding. The finance officer then writes off
 * the £635.20: nothing is outstanding, savings identified fall to the £500.00 realised, and the
 * £635.20 counts as dismissed.
 */
let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let invoiceId: string;

beforeAll(async () => {
  t = await openTestDatabase();
  await seedIfaPlacement(t.db.knex);
  await seedUsers(t.db);
  invoiceId = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "PR-1", invoice_date: "2026-10-31", total: "5196.20", lines: [octoberFeeLine("5196.20")] });
  await auditArrivals(t.db, { authorityId: 1, invoiceIds: [invoiceId] });
  server = await startTestServer(t, { now: () => new Date("2026-12-03T12:00:00Z") });
  browser = await launchChromium();
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
});

const squash = (text: string | null): string => (text ?? "").replace(/\s+/g, " ").trim();

/** The savings page's row for Oakfield Fostering: identified, realised, outstanding, at risk, dismissed. */
async function savingsRow(page: Page): Promise<string[]> {
  await page.goto(`${server.url}/reports/savings?from=2026-10&to=2026-10`);
  const cells = await page.locator("#savings-by-provider tbody tr").first().locator("td").allTextContents();
  return cells.slice(0, 5).map((c) => c.trim());
}

describe("partial recovery in the browser", () => {
  it("records £500.00 of £1,135.20, shows £635.20 outstanding everywhere, then writes off the rest", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const violations: string[] = [];
    await signInAt(page, server.url, "finance");

    // From the invoice to its finding, and confirm it (raised with the provider).
    await page.goto(`${server.url}/invoices/${invoiceId}`);
    violations.push(...(await check(page, "partial-invoice-before")));
    await page.getByRole("link", { name: /Review the arithmetic error finding of £1,135\.20/i }).click();
    await page.getByRole("button", { name: "Confirm finding" }).click();
    // Back on the invoice the review started from.
    expect(squash(await page.locator(".govuk-notification-banner").textContent())).toContain("Finding confirmed. The invoice is now queried.");
    await page.getByRole("link", { name: /Review the arithmetic error finding of £1,135\.20/i }).click();

    // The credit note comes back for £500.00.
    await page.getByLabel("Amount recovered").fill("500.00");
    await page.getByLabel("Credit note number or deduction reference").fill("CN-0077");
    await page.getByLabel("Day").fill("20");
    await page.getByLabel("Month").fill("11");
    await page.getByLabel("Year").fill("2026");
    await page.getByRole("button", { name: "Mark recovered" }).click();
    await page.waitForURL(`${server.url}/invoices/${invoiceId}`);
    expect(squash(await page.locator(".govuk-notification-banner").textContent())).toContain("Finding marked recovered. The invoice is now queried.");
    await page.getByRole("link", { name: /Review the arithmetic error finding of £1,135\.20/i }).click();
    violations.push(...(await check(page, "partial-finding-recovered")));
    const summary = squash(await page.locator(".govuk-summary-list").textContent());
    expect(summary).toContain("Partly recovered: £500.00 of £1,135.20, £635.20 outstanding (last on 20 Nov 2026), reference CN-0077");
    expect(summary).toContain("Outstanding £635.20");
    expect(await page.getByRole("button", { name: "Write off £635.20" }).count()).toBe(1);

    // The invoice page says the same, and the invoice stays queried (money is still owed).
    await page.goto(`${server.url}/invoices/${invoiceId}`);
    violations.push(...(await check(page, "partial-invoice-recovered")));
    const finding = squash(await page.locator(".app-finding").first().textContent());
    expect(finding).toContain("Partly recovered: £500.00 of £1,135.20, £635.20 outstanding");
    expect(squash(await page.locator(".govuk-summary-list").first().textContent())).toContain("Status Queried");

    // The savings page: identified £1,135.20, realised £500.00, outstanding £635.20.
    expect(await savingsRow(page)).toEqual(["£1,135.20", "£500.00", "£635.20", "£0.00", "£0.00"]);
    violations.push(...(await check(page, "partial-savings")));

    // Write off the rest: a reason is required.
    await page.goto(`${server.url}/findings/${String((await t.db.knex("findings").first<{ id: string }>("id"))?.id)}`);
    await page.getByRole("button", { name: "Write off £635.20" }).click();
    await page.waitForSelector(".govuk-error-summary");
    violations.push(...(await check(page, "partial-write-off-error")));
    await page.getByRole("link", { name: "Enter a reason for writing off the balance" }).click();
    await page.getByLabel("Reason for writing off the balance").fill("The provider disputes the rest; agreed at the contract review");
    await page.getByRole("button", { name: "Write off £635.20" }).click();
    await page.waitForSelector(".govuk-notification-banner");
    expect(squash(await page.locator(".govuk-notification-banner").textContent())).toContain("Finding written off. The invoice is now cleared.");
    violations.push(...(await check(page, "partial-written-off")));
    const after = squash(await page.locator(".govuk-summary-list").textContent());
    expect(after).toContain("Status Partly recovered, balance written off");
    expect(after).toContain("Outstanding £0.00");
    expect(after).toContain("Partly recovered: £500.00 of £1,135.20, balance of £635.20 written off");

    // Savings: identified = realised = £500.00, outstanding £0.00, the £635.20 dismissed.
    expect(await savingsRow(page)).toEqual(["£500.00", "£500.00", "£0.00", "£0.00", "£635.20"]);

    // The audit log says it in words.
    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    violations.push(...(await check(page, "partial-audit-log")));
    const log = (await page.locator("#audit-log tbody tr").allTextContents()).map(squash);
    expect(log.some((r) => r.includes("Balance of £635.20 written off") && r.includes("Invoice: Queried → Cleared"))).toBe(true);
    expect(log.some((r) => r.includes("£500.00 recovered (reference CN-0077); Confirmed → Recovered"))).toBe(true);

    expect(violations).toEqual([]);
    await context.close();
  }, SLOW);
});
