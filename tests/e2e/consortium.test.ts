import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMoney } from "../../src/domain/money.js";
import { loadConsortiumDemo, type ConsortiumDemoResult } from "../../src/services/demo/consortium-demo.js";
import type { RunningServer } from "../../src/web/app.js";
import { startTestServer } from "../integration/web-client.js";
import { PASSWORD } from "../integration/web-seed.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { check, launchChromium, signInAt, SLOW } from "./browser.js";

/**
 * The consortium analyst in Chromium, on the consortium demo: signs in, lands on the benchmark,
 * whose every figure is the one samples/consortium/EXPECTED.json gives (worked from the files
 * alone), with no child or placement reference on the page; axe finds nothing. The analyst is
 * refused the council pages (findings, invoices), and a council's user the consortium page.
 */
const SAMPLES = path.resolve(import.meta.dirname, "../../samples");
interface ExpectedMeasure {
  median: string | null;
  members: Record<string, { median: string | null }>;
}
interface ExpectedGroup {
  provider: string;
  item: string;
  service_level: string;
  paid: ExpectedMeasure;
  charged: ExpectedMeasure;
}
const EXPECTED = JSON.parse(fs.readFileSync(path.join(SAMPLES, "consortium/EXPECTED.json"), "utf8")) as { groups: ExpectedGroup[] };
const MANIFEST = JSON.parse(fs.readFileSync(path.join(SAMPLES, "consortium/consortium.json"), "utf8")) as { councils: { code: string; name: string }[] };

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let demo: ConsortiumDemoResult;

beforeAll(async () => {
  t = await openTestDatabase();
  demo = await loadConsortiumDemo(t.db, { samplesDir: SAMPLES, dataDir: t.dataDir, password: PASSWORD });
  server = await startTestServer(t, { now: () => new Date("2026-11-15T12:00:00Z") });
  browser = await launchChromium();
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
});

/** The page's own CSP refuses the injected axe script, so the scanning context bypasses it. */
async function signedInPage(username: string): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signInAt(page, server.url, username);
  return page;
}

const shown = (value: string | null): string => (value === null ? "fewer than 5 placements" : formatMoney(value));

describe("the consortium analyst in the browser", () => {
  it("signs in to the benchmark, whose figures are the hand-worked table's; no child reference; axe clean", async () => {
    expect(demo.users.map((u) => u.username)).toContain("analyst");
    const page = await signedInPage("analyst");
    expect(new URL(page.url()).pathname).toBe("/consortium/prices");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Jul to Sep 2026");
    for (const group of EXPECTED.groups) {
      const table = page.locator(`table[data-provider="${group.provider}"][data-item="${group.item}"][data-level="${group.service_level}"]`);
      expect(await table.count()).toBe(1);
      for (const measure of ["paid", "charged"] as const) {
        const cell = async (member: string): Promise<string> => ((await table.locator(`tr[data-member="${member}"] td[data-figure="${measure}"]`).textContent()) ?? "").trim();
        expect(await cell("consortium")).toBe(shown(group[measure].median));
        for (const [code, figure] of Object.entries(group[measure].members)) {
          const name = MANIFEST.councils.find((c) => c.code === code)?.name ?? code;
          expect(await cell(name)).toBe(shown(figure.median));
        }
      }
    }
    const text = (await page.locator("main").textContent()) ?? "";
    expect(text).toMatch(/Above the uplift/);
    expect(text).not.toMatch(/[A-Z]{3}-C\d{3}|[A-Z]{3}-P\d{3}|PO-/);
    expect(await check(page, "consortium-prices")).toEqual([]);
    await page.context().close();
  });

  it("refuses the analyst the council pages", async () => {
    const page = await signedInPage("analyst");
    for (const address of ["/findings", "/invoices", "/reports/savings"]) {
      const response = await page.goto(`${server.url}${address}`);
      expect(response?.status(), address).toBe(403);
    }
    const api = await page.request.get(`${server.url}/api/findings`);
    expect(api.status()).toBe(403);
    await page.context().close();
  });

  it("refuses a council's own user the consortium page", async () => {
    const page = await signedInPage("brm-finance");
    expect(new URL(page.url()).pathname).toBe("/");
    const response = await page.goto(`${server.url}/consortium/prices`);
    expect(response?.status()).toBe(403);
    expect(await check(page, "consortium-refused")).toEqual([]);
    await page.context().close();
  });
});
