import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { startTestServer } from "../integration/web-client.js";
import { check, launchChromium, signInAt, SLOW } from "./browser.js";
import { NOW, PASSWORD, seedReview, seedUsers, type Seeded } from "../integration/web-seed.js";

/**
 * The review in a real browser (Chromium, headless, JavaScript on): a finance officer confirms
 * and dismisses findings, the audit log and the dashboard show it; a commissioner cannot decide;
 * an anonymous visitor is sent to sign in. Every page is screenshotted and scanned with axe-core
 * (WCAG 2.2 AA and best practice): no violations.
 */
let t: TestDatabase;
let server: RunningServer;
let seeded: Seeded;
let browser: Browser;

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  server = await startTestServer(t, { now: () => NOW });
  browser = await launchChromium();
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
});

/**
 * The page's own CSP (script-src 'self') rightly refuses the injected axe script, so the
 * scanning contexts bypass it; the last test checks the pages under their real CSP.
 */
function newContext(): ReturnType<Browser["newContext"]> {
  return browser.newContext({ bypassCSP: true });
}

function signIn(page: Page, username: string): Promise<void> {
  return signInAt(page, server.url, username);
}

/** A dashboard figure: the money-by-category table cell for a category and a column. */
async function dashboardCell(page: Page, category: string, column: string): Promise<string> {
  return (await page.locator(`#money-by-category tr[data-category="${category}"] td[data-column="${column}"]`).textContent())?.trim() ?? "";
}

describe("review in the browser", () => {
  it("sends an anonymous visitor to sign in, and back to the page asked for after signing in by keyboard", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/findings`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(new URL(page.url()).search).toBe("?next=%2Ffindings");
    expect(await check(page, "sign-in")).toEqual([]);
    // Keyboard only: the skip link comes first, then the form.
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent.trim()")).toBe("Skip to main content");
    await page.getByLabel("Username").focus();
    await page.keyboard.type("finance");
    await page.keyboard.press("Tab");
    await page.keyboard.type("not the password");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".govuk-error-summary");
    expect(await check(page, "sign-in-error")).toEqual([]);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL(`${server.url}/findings`);
    await context.close();
  }, SLOW);

  it("lets a finance officer confirm one finding and dismiss another; the audit log and the dashboard show it", async () => {
    const context = await newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    await signIn(page, "finance");
    expect(new URL(page.url()).pathname).toBe("/");
    violations.push(...(await check(page, "dashboard-before")));
    expect(await dashboardCell(page, "total", "open")).toBe("£376.14");
    expect(await dashboardCell(page, "errors", "confirmed")).toBe("£0.00");

    await page.getByRole("link", { name: "Invoices", exact: true }).click();
    violations.push(...(await check(page, "invoices")));
    await page.getByRole("link", { name: "INV-1001" }).click();
    await page.waitForURL(`${server.url}/invoices/${seeded.invoices.flagged}`);
    violations.push(...(await check(page, "invoice")));

    // Confirm the arithmetic error straight from the invoice.
    await page.getByRole("button", { name: "Confirm the arithmetic error finding of £100.00 on line 1" }).click();
    await page.waitForSelector(".govuk-notification-banner--success");
    expect(await page.locator(".govuk-notification-banner").textContent()).toContain("Finding confirmed");
    violations.push(...(await check(page, "invoice-after-confirm")));

    // Dismiss the extra quantity finding with a reason, from its own page.
    await page.getByRole("link", { name: "Review the extra quantity above agreed finding of £137.14 on line 2" }).click();
    violations.push(...(await check(page, "finding")));
    await page.getByRole("button", { name: "Dismiss finding" }).click();
    await page.waitForSelector(".govuk-error-summary");
    violations.push(...(await check(page, "finding-error")));
    await page.getByLabel("Reason for dismissing").fill("The extra hours were agreed with the placement team on 3 Oct");
    await page.getByRole("button", { name: "Dismiss finding" }).click();
    await page.waitForURL(`${server.url}/invoices/${seeded.invoices.flagged}`);
    expect(await page.locator(".govuk-notification-banner").textContent()).toContain("Finding dismissed");
    expect(await page.locator(`#finding-${seeded.findings.extraQuantity}`).textContent()).toContain("Dismissed: The extra hours were agreed");

    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    violations.push(...(await check(page, "audit-log")));
    const rows = await page.locator("#audit-log tbody tr").allTextContents();
    const decisions = rows.map((r) => r.replace(/\s+/g, " ").trim()).filter((r) => r.includes("Finding"));
    expect(decisions[0]).toMatch(new RegExp(`finance Finding ${seeded.findings.extraQuantity}: Open → Dismissed .*Reason: The extra hours were agreed`));
    expect(decisions[1]).toMatch(new RegExp(`finance Finding ${seeded.findings.arithmetic}: Open → Confirmed`));

    // The dashboard: £100.00 of errors moved from open to confirmed; £137.14 of fees dismissed.
    await page.getByRole("link", { name: "Dashboard", exact: true }).click();
    violations.push(...(await check(page, "dashboard-after")));
    expect(await dashboardCell(page, "errors", "open")).toBe("£39.00");
    expect(await dashboardCell(page, "errors", "confirmed")).toBe("£100.00");
    expect(await dashboardCell(page, "fees", "open")).toBe("£100.00");
    expect(await dashboardCell(page, "fees", "dismissed")).toBe("£137.14");
    expect(await dashboardCell(page, "total", "open")).toBe("£139.00");
    expect(await dashboardCell(page, "total", "flagged")).toBe("£239.00");

    for (const [name, link] of [["findings", "Findings"], ["savings", "Savings"], ["needs-attention", "Needs attention"], ["uploads", "Uploads"], ["audit-runs", "Audit runs"], ["rules", "Rules"]] as const) {
      await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: link, exact: true }).click();
      violations.push(...(await check(page, name)));
    }
    await page.goto(`${server.url}/no-such-page`);
    violations.push(...(await check(page, "not-found")));
    expect(violations).toEqual([]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.url}/sign-in?signed_out=1`);
    violations.push(...(await check(page, "signed-out")));
    expect(violations).toEqual([]);
    await context.close();
  }, SLOW);

  it("lets a commissioner read but not decide", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, "commissioner");
    await page.goto(`${server.url}/invoices/${seeded.invoices.flagged}`);
    expect(await page.getByRole("button", { name: /^Confirm/ }).count()).toBe(0);
    await page.goto(`${server.url}/findings/${seeded.findings.extraRate}`);
    expect(await page.getByRole("heading", { name: "Decide" }).count()).toBe(0);
    expect(await check(page, "finding-commissioner")).toEqual([]);
    // The provider's printable query pack, reached from the savings page.
    await page.goto(`${server.url}/reports/savings`);
    await page.getByRole("link", { name: "Printable query pack for Oakfield Fostering" }).click();
    await page.waitForURL(`${server.url}/reports/query-pack/P1`);
    expect(await check(page, "query-pack")).toEqual([]);
    // Even a hand-made request with the session's own CSRF token is refused.
    const token = (await (await page.request.get(`${server.url}/api/session`)).json()) as { csrfToken: string };
    const response = await page.request.post(`${server.url}/findings/${seeded.findings.extraRate}/decisions`, { form: { _csrf: token.csrfToken, action: "confirm" } });
    expect(response.status()).toBe(403);
    expect((await t.db.knex("findings").where({ id: seeded.findings.extraRate }).first<{ status: string }>("status"))?.status).toBe("open");
    await context.close();
  }, SLOW);

  it("gives an administrator the users page, accessible too", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Users", exact: true }).click();
    expect(await check(page, "users")).toEqual([]);
    await page.getByRole("button", { name: "Add user" }).click();
    expect(await check(page, "users-error")).toEqual([]);
    await context.close();
  }, SLOW);

  it("shows an administrator what reference data was loaded, searchable, accessible", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Reference data", exact: true }).click();
    expect(await page.locator("#providers").textContent()).toContain("Oakfield Foster Care");
    expect(await check(page, "reference-providers")).toEqual([]);
    await page.getByLabel("Search").fill("oakfield");
    await page.getByRole("button", { name: "Search" }).click();
    expect(await page.locator("#result-count").textContent()).toContain("1 row matching “oakfield”");
    expect(await check(page, "reference-providers-search")).toEqual([]);
    const tables = page.getByRole("navigation", { name: "Reference tables" });
    for (const [link, name] of [["Contracts and rates", "reference-contracts"], ["Placements", "reference-placements"], ["Discounts", "reference-discounts"]] as const) {
      await tables.getByRole("link", { name: link, exact: true }).click();
      expect(await check(page, name)).toEqual([]);
    }
    expect(await page.locator("#result-count").textContent()).toContain("Nothing has been loaded");
    await context.close();
  }, SLOW);

  it("runs under its own Content Security Policy with no violation, its scripts enhancing the pages", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await signIn(page, "finance");
    for (const path of ["/", `/invoices/${seeded.invoices.flagged}`, `/findings/${seeded.findings.extraRate}`, "/audit-runs", "/reports/savings"]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForFunction(`document.body.classList.contains("govuk-frontend-supported")`);
    }
    // The printable query pack has no scripts; its own inline styles are allowed by their hash.
    await page.goto(`${server.url}/reports/query-pack/P1`);
    expect(problems).toEqual([]);
    await context.close();
  }, SLOW);

  it("works without JavaScript, by keyboard alone: a finance officer confirms a finding", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, "finance");
    await page.goto(`${server.url}/invoices/${seeded.invoices.script}`);
    await page.getByRole("button", { name: "Confirm the total mismatch finding of £39.00" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector(".govuk-notification-banner--success");
    expect(new URL(page.url()).pathname).toBe(`/invoices/${seeded.invoices.script}`);
    expect((await t.db.knex("findings").where({ id: seeded.findings.totalMismatch }).first<{ status: string }>("status"))?.status).toBe("confirmed");
    await context.close();
  }, SLOW);
});
