import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { createUser } from "../../src/services/users/users.js";
import type { RunningServer } from "../../src/web/app.js";
import { ROUTES, type RouteSpec } from "../../src/web/routes.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { startTestServer } from "../integration/web-client.js";
import { NOW, PASSWORD, seedReview, seedUsers, type Seeded } from "../integration/web-seed.js";
import { check, launchChromium, signInAt } from "./browser.js";

/**
 * WCAG 2.2 1.4.10 Reflow: every page a role may open, signed in as that role, with no sideways
 * scroll of the page at 320 CSS px. The page list is the route table's (GET pages, not
 * downloads), with seeded ids for the detail pages, so a new page is checked as soon as it is a
 * route. Two ways of being 320 px wide:
 * - a 320 × 640 px window (a small phone);
 * - a 1280 × 1024 px window at 400 % zoom: browser zoom makes the CSS viewport 1280 / 4 = 320 px
 *   wide and 1024 / 4 = 256 px tall with 4 device pixels to the CSS pixel, which is what
 *   Playwright's viewport { 320 × 256 } with deviceScaleFactor 4 gives (not CSS `zoom`, which
 *   scales the content inside an unchanged viewport and is not what a user's zoom does).
 * axe-core scans every page at 320 px: the scrolling regions the tables get must pass too.
 */
let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let seeded: Seeded;
/** A taught layout, for the admin's template page. */
let taughtTemplateId = "";
const LONG = 600_000;

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  const reference = path.resolve("samples/reference");
  await importReference(t.db, fs.readdirSync(reference).map((name) => ({ name, bytes: fs.readFileSync(path.join(reference, name)) })), { authorityId: 1 });
  await seedUsers(t.db);
  // The keying screens' pages: the seed's clean invoice waits to be verified, and one taught layout exists.
  // An invoice waits to be verified when it was read with uncertain values (check invoices_to_verify_uncertain).
  await t.db.knex("invoices").where({ id: seeded.invoices.clean }).update({
    status: "to_verify", uncertain_fields: JSON.stringify([{ field: "total", reason: "the total was read from a scan", candidates: ["840.00", "846.00"] }]),
  });
  // The seed's files carry short stand-in hashes; the key screen caches page images by the real one.
  const waiting = await t.db.knex("received_files").where({ id: seeded.files.attention }).first<{ stored_path: string }>("stored_path");
  const waitingBytes = fs.readFileSync(path.join(t.dataDir, waiting.stored_path));
  const sha256 = createHash("sha256").update(waitingBytes).digest("hex");
  await t.db.knex("received_files").where({ id: seeded.files.attention }).update({ sha256 });
  // The invoice to verify gets its own copy of the file (two rows cannot share one hash).
  const verifyBytes = Buffer.concat([waitingBytes, Buffer.from("\n% to verify\n")]);
  const verifyPath = path.join("files", "cd", "to-verify.pdf");
  fs.mkdirSync(path.join(t.dataDir, "files", "cd"), { recursive: true });
  fs.writeFileSync(path.join(t.dataDir, verifyPath), verifyBytes);
  const { file_id: verifyFileId } = await t.db.knex("invoices").where({ id: seeded.invoices.clean }).first<{ file_id: string }>("file_id");
  await t.db.knex("received_files").where({ id: verifyFileId }).update({ stored_path: verifyPath, sha256: createHash("sha256").update(verifyBytes).digest("hex") });
  const example = fs.readFileSync(path.resolve("src/ingest/templates/_example.json"), "utf8");
  const [taught] = await t.db.knex("provider_templates").insert({ authority_id: 1, provider_id: "P1", template: example, created_by: "finance" }).returning<{ id: string }[]>("id");
  taughtTemplateId = String(taught?.id);
  await createUser(t.db, { authorityId: 1, username: "newcomer", password: PASSWORD, role: "finance_officer" }, "test");
  server = await startTestServer(t, { now: () => NOW });
  browser = await launchChromium();
}, LONG);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
});

const USERNAME: Record<Role, string> = { finance_officer: "finance", commissioner: "commissioner", admin: "admin", consortium_analyst: "analyst" };

/** Routes that answer with a file to save, not a page to read. */
function isDownload(route: RouteSpec): boolean {
  return /\.(csv|xlsx)$|\/file$|\/uploads\/reference\/templates\/|\/pages\/:page$/.test(route.path);
}

/** The address of a page route, with a seeded row's id for each parameter. */
function pathOf(route: RouteSpec): string {
  const ids: Record<string, string> = {
    "/invoices/:id": `/invoices/${seeded.invoices.flagged}`,
    "/findings/:id": `/findings/${seeded.findings.arithmetic}`,
    "/reports/query-pack/:providerId": "/reports/query-pack/P1",
    "/needs-attention/:id/key": `/needs-attention/${seeded.files.attention}/key`,
    "/invoices/:id/verify": `/invoices/${seeded.invoices.clean}/verify`,
    "/templates/:id": `/templates/${taughtTemplateId}`,
  };
  if (!route.path.includes(":") && !route.path.includes("*")) return route.path;
  const known = ids[route.path];
  if (!known) throw new Error(`the reflow test has no seeded id for ${route.path}: add one`);
  return known;
}

function pagesFor(role: Role): string[] {
  return ROUTES.filter((r) => r.method === "GET" && r.kind === "page" && !isDownload(r) && r.access !== "public" && r.access.includes(role)).map(pathOf);
}

interface Widths {
  scrollWidth: number;
  clientWidth: number;
  /** The widest elements that stick out of the viewport, to say what to fix. */
  culprits: string[];
}

const MEASURE = `(() => {
  const root = document.documentElement;
  const culprits = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth + 0.5 && !el.parentElement?.closest(".app-table-scroll")) culprits.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") + " right=" + Math.round(box.right) + " in " + (el.parentElement ? el.parentElement.tagName.toLowerCase() + "." + el.parentElement.className : ""));
  }
  return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: culprits.slice(0, 5) };
})()`;

async function widthsOf(page: Page): Promise<Widths> {
  return page.evaluate<Widths>(MEASURE);
}

const VIEWS = [
  { name: "320px", viewport: { width: 320, height: 640 }, deviceScaleFactor: 1, axe: true },
  { name: "1280px-at-400%", viewport: { width: 320, height: 256 }, deviceScaleFactor: 4, axe: false },
] as const;

describe("reflow at 320 CSS px (WCAG 2.2 1.4.10)", () => {
  for (const role of ["finance_officer", "commissioner", "admin"] as const) {
    it(`no page ${role} may open scrolls sideways, at 320 px and at 1280 px with 400 % zoom`, async () => {
      const problems: string[] = [];
      const violations: string[] = [];
      const pages = pagesFor(role);
      expect(pages.length).toBeGreaterThan(5);
      for (const view of VIEWS) {
        const context: BrowserContext = await browser.newContext({ bypassCSP: true, viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
        const page = await context.newPage();
        await signInAt(page, server.url, USERNAME[role]);
        for (const address of pages) {
          const response = await page.goto(`${server.url}${address}`);
          expect(response?.status(), `${role} ${address}`).toBe(200);
          const widths = await widthsOf(page);
          if (widths.scrollWidth > widths.clientWidth) problems.push(`${view.name} ${address}: ${widths.scrollWidth} > ${widths.clientWidth} (${widths.culprits.join(", ")})`);
          if (view.axe) violations.push(...(await check(page, `reflow-${role}-${address.replace(/[^a-z0-9]+/gi, "-")}`)));
        }
        await context.close();
      }
      expect({ problems, violations }).toEqual({ problems: [], violations: [] });
    }, LONG);
  }

  it("keeps the sign-in page and the tables' own scrolling regions usable at 320 px", async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-in`);
    const signIn = await widthsOf(page);
    expect(signIn.scrollWidth).toBeLessThanOrEqual(signIn.clientWidth);
    await signInAt(page, server.url, "finance");
    await page.goto(`${server.url}/findings`);
    // The wide table scrolls inside its own labelled, focusable region, not the page.
    const region = page.getByRole("region", { name: /Findings/ });
    expect(await region.getAttribute("tabindex")).toBe("0");
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await context.close();
  }, LONG);
});

describe("a password reset in the browser", () => {
  it("shows the one-time password once; the user changes it before reaching any page", async () => {
    const violations: string[] = [];
    const adminContext = await browser.newContext({ bypassCSP: true });
    const admin = await adminContext.newPage();
    await signInAt(admin, server.url, "admin");
    await admin.goto(`${server.url}/users`);
    await admin.getByRole("button", { name: "Reset password of newcomer" }).click();
    await admin.waitForSelector("#one-time-password");
    const otp = ((await admin.locator("#one-time-password code").textContent()) ?? "").trim();
    expect(otp).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await admin.locator("#users").textContent()).toContain("Must change password at next sign-in");
    violations.push(...(await check(admin, "users-one-time-password")));

    const userContext = await browser.newContext({ bypassCSP: true });
    const user = await userContext.newPage();
    await user.goto(`${server.url}/sign-in`);
    await user.getByLabel("Username").fill("newcomer");
    await user.getByLabel("Password").fill(otp);
    await user.getByRole("button", { name: "Sign in" }).click();
    await user.waitForURL(/\/account\/password$/);
    violations.push(...(await check(user, "change-password-forced")));
    await user.goto(`${server.url}/findings`);
    expect(new URL(user.url()).pathname).toBe("/account/password");

    await user.getByLabel("One-time password").fill(otp);
    await user.getByLabel("New password", { exact: true }).fill("short");
    await user.getByLabel("New password again").fill("short");
    await user.getByRole("button", { name: "Change password" }).click();
    await user.waitForSelector(".govuk-error-summary");
    expect(await user.locator(".govuk-error-summary").textContent()).toContain("New password must be at least 10 characters");
    violations.push(...(await check(user, "change-password-error")));

    await user.getByLabel("One-time password").fill(otp);
    await user.getByLabel("New password", { exact: true }).fill("newcomer's own passphrase");
    await user.getByLabel("New password again").fill("newcomer's own passphrase");
    await user.getByRole("button", { name: "Change password" }).click();
    await user.waitForSelector(".govuk-notification-banner--success");
    expect(new URL(user.url()).pathname).toBe("/");
    await user.goto(`${server.url}/findings`);
    expect(new URL(user.url()).pathname).toBe("/findings");

    await admin.goto(`${server.url}/users`);
    expect(await admin.locator("#users").textContent()).not.toContain("Must change password");
    await adminContext.close();
    await userContext.close();
    expect(violations).toEqual([]);
  }, LONG);

  it("a finding's notes and assignment pass axe", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await signInAt(page, server.url, "finance");
    await page.goto(`${server.url}/findings/${seeded.findings.extraRate}`);
    await page.getByLabel("Add a note").fill("Asked the provider for a credit note.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForSelector("#note-list");
    await page.getByLabel("Assign to").selectOption({ label: "finance (me)" });
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page.waitForSelector(".govuk-notification-banner--success");
    expect(await page.locator(".govuk-summary-list").textContent()).toMatch(/Assigned to\s+finance/);
    const violations = await check(page, "finding-notes");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForSelector(".govuk-error-summary");
    violations.push(...(await check(page, "finding-note-error")));
    await page.goto(`${server.url}/findings?assigned=me`);
    expect(await page.locator("#result-count").textContent()).toContain("1 finding");
    violations.push(...(await check(page, "findings-assigned-to-me")));
    await context.close();
    expect(violations).toEqual([]);
  }, LONG);
});
