import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedInvoice } from "../support/seed.js";
import { seedSavingsFixture } from "./reports-seed.js";
import { signedIn, startTestServer, WebClient } from "./web-client.js";
import { NOW, SCRIPT_NAME, seedUsers } from "./web-seed.js";

/**
 * The savings report and the query packs in the web UI, over real HTTP against a real database
 * seeded with the savings fixture (tests/integration/reports-seed.ts) plus one provider whose
 * name is a script. NOW is 15 Nov 2026, so the default period is Apr 2026 to Oct 2026.
 *
 * Hand-worked figures for Aug 2026 to Oct 2026, all providers (superseded f5 and f13 never count):
 *   identified = confirmed + recovered = f1 124.00 + f2 80.00 + f4 1,572.00 + f8 812.20 + f10 100.00
 *                + f11 137.14 + f12 60.00 + P4's 45.00 = 2,930.34
 *   realised   = recovered amounts = f2 50.00 + f4 1,572.00 + f11 137.14 = 1,759.14
 *   outstanding = 2,930.34 − 1,759.14 = 1,171.20
 *   at risk    = open = f3 100.00 + f6 250.00 = 350.00
 *   dismissed  = f7 75.50 + f9 1,152.80 = 1,228.30
 * Year to date (Apr to Oct 2026) adds April's f15 (recovered 124.00 of 124.00):
 *   identified 3,054.34, realised 1,883.14.
 * Annualised: Nov 2025 to Oct 2026, invoices only since Mar 2026 (8 months), so × 12 / 8:
 *   identified (3,054.34 + March's f17 900.00) × 1.5 = 5,931.51; realised 1,883.14 × 1.5 = 2,824.71.
 * Provider P1 alone, Aug to Oct: identified 124.00 + 80.00 + 1,572.00 + 100.00 + 137.14 + 60.00
 *   = 2,073.14; realised 1,759.14; at risk 350.00; dismissed 75.50.
 * P1's query pack (findings still owed, of any date): f1 124.00 + f2 30.00 (80.00 less 50.00 recovered)
 * + f10 100.00 + f12 60.00 + f18 300.00 = 614.00.
 */
let t: TestDatabase;
let server: RunningServer;
let commissioner: WebClient;
let finance: WebClient;
let admin: WebClient;

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

beforeAll(async () => {
  t = await openTestDatabase();
  await seedSavingsFixture(t.db.knex);
  // A provider called <script>…: its name must come out as text everywhere.
  await t.db.knex("providers").insert({ provider_id: "P4", name: SCRIPT_NAME, kind: "residential" });
  const invoice = await seedInvoice(t.db.knex, { provider_id: "P4", invoice_number: "SH-1", invoice_date: "2026-10-12", total: "1000.00", lines: [{ amount: "1000.00" }] });
  await t.db.knex("findings").insert({
    invoice_id: invoice, line_no: 1, rule: "rate-above-agreed", category: "fees", provider_id: "P4", child_ref: "C4001",
    amount: "45.00", charged: "1045.00", expected: "1000.00", explanation: "Charged £45.00 above the agreed fee", evidence: JSON.stringify({}), status: "confirmed",
  });
  await seedUsers(t.db);
  server = await startTestServer(t, { now: () => NOW });
  [commissioner, finance, admin] = await Promise.all([signedIn(server.url, "commissioner"), signedIn(server.url, "finance"), signedIn(server.url, "admin")]);
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

/** The text of an element with the given id, tags stripped and spaces collapsed. */
function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start === -1) return "";
  const open = html.lastIndexOf("<", start);
  const tag = /^<(\w+)/.exec(html.slice(open))?.[1] ?? "div";
  const end = html.indexOf(`</${tag}>`, start);
  return html.slice(html.indexOf(">", start) + 1, end).replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

/** A download's bytes and headers (the test client reads bodies as text, which would spoil a zip). */
async function download(client: WebClient, path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${server.url}${path}`, { redirect: "manual", headers: client.sessionCookie ? { cookie: client.sessionCookie } : {} });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = workbook.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
}

/** Hrefs of the page's links, entities decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? "").replace(/&amp;/g, "&"));
}

describe("savings page", () => {
  it("shows the hand-worked identified and realised figures for a period, with year to date and annualised", async () => {
    const page = await commissioner.get("/reports/savings?from=2026-08&to=2026-10");
    expect(page.status).toBe(200);
    expect(page.text).toContain("<title>Savings – Placement Audit — Testshire County Council</title>");
    expect(textOf(page.text, "headline-identified")).toBe("Savings identified Confirmed with the provider or recovered £2,930.34 £3,054.34 £5,931.51");
    expect(textOf(page.text, "headline-realised")).toBe("Savings realised Money recovered by credit note or deduction £1,759.14 £1,883.14 £2,824.71");
    expect(textOf(page.text, "headline-outstanding")).toContain("£1,171.20");
    expect(textOf(page.text, "headline-at-risk")).toContain("£350.00");
    expect(textOf(page.text, "headline-dismissed")).toContain("£1,228.30");
    // Charts and the tables that give the same figures.
    expect(page.text).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-savings-by-month-title/);
    expect(page.text).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-savings-by-provider-title/);
    expect(textOf(page.text, "savings-by-month")).toContain("Total £2,930.34 £1,759.14 £350.00 £1,228.30");
    const byProvider = textOf(page.text, "savings-by-provider");
    expect(byProvider).toContain("Oakfield Fostering P1 £2,073.14 £1,759.14 £314.00 £350.00 £75.50");
    expect(textOf(page.text, "savings-by-provider")).toContain("P4 £45.00 £0.00 £45.00 £0.00 £0.00");
  });

  it("filters by provider, and shows Savings in the navigation of those who may see it", async () => {
    const page = await finance.get("/reports/savings?from=2026-08&to=2026-10&provider=P1");
    expect(page.status).toBe(200);
    expect(textOf(page.text, "headline-identified")).toContain("£2,073.14");
    expect(textOf(page.text, "headline-realised")).toContain("£1,759.14");
    expect(textOf(page.text, "headline-at-risk")).toContain("£350.00");
    expect(textOf(page.text, "headline-dismissed")).toContain("£75.50");
    expect(page.text).toMatch(/<option value="P1" selected>Oakfield Fostering<\/option>/);
    expect(page.text).toMatch(/href="\/reports\/savings"[^>]*aria-current="page"|aria-current="page"[^>]*href="\/reports\/savings"/);
    for (const client of [commissioner, finance]) expect((await client.get("/")).text).toContain('href="/reports/savings"');
    expect((await admin.get("/")).text).not.toContain('href="/reports/savings"');
    expect((await admin.get("/reports/savings")).status).toBe(403);
  });

  it("uses the default period, April to last month, when none is given", async () => {
    const page = await commissioner.get("/reports/savings");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Savings: Apr 2026 to Oct 2026");
    expect(textOf(page.text, "headline-identified")).toContain("£3,054.34");
  });

  it("links to the download and the query packs, and those links work", async () => {
    const page = await commissioner.get("/reports/savings?from=2026-08&to=2026-10");
    const links = hrefs(page.text);
    expect(links).toContain("/reports/savings.xlsx?from=2026-08&to=2026-10");
    expect(links).toContain("/reports/query-pack/P1");
    expect(links).toContain("/reports/query-pack/P1.xlsx");
    expect((await download(commissioner, "/reports/query-pack/P1")).status).toBe(200);
  });

  it("answers a bad month with 400 and an error summary, and the figures of the default period", async () => {
    const page = await commissioner.get("/reports/savings?from=2026-13&to=2026-10");
    expect(page.status).toBe(400);
    expect(page.text).toContain("<title>Error: Savings – Placement Audit — Testshire County Council</title>");
    expect(textOf(page.text, "savings-by-month")).not.toBe("");
    expect(page.text).toContain('class="govuk-error-summary"');
    expect(page.text).toContain('<a href="#from">Enter the first month as year and month, like 2026-04</a>');
    expect(page.text).toContain('value="2026-13"');
    const backwards = await commissioner.get("/reports/savings?from=2026-10&to=2026-08");
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain("The first month must be the same as or before the last month");
    const unknown = await commissioner.get("/reports/savings?provider=NOPE");
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('<a href="#provider">Choose a provider from the list</a>');
    const badDownload = await download(commissioner, "/reports/savings.xlsx?to=October");
    expect(badDownload.status).toBe(400);
    expect(badDownload.headers.get("content-type")).toMatch(/^text\/html/);
    expect(badDownload.bytes.toString("utf8")).toContain("Enter the last month as year and month, like 2027-03");
  });

  it("renders a provider called <script> as text, on the page and in its query pack", async () => {
    const page = await commissioner.get("/reports/savings?from=2026-08&to=2026-10");
    expect(page.text).not.toContain("<script>document.title");
    expect(page.text).toContain("&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt; Homes");
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const pack = await commissioner.get("/reports/query-pack/P4");
    expect(pack.status).toBe(200);
    expect(pack.text).not.toContain("<script>document.title");
    expect(pack.text).toContain("&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt; Homes");
    expect(pack.text).not.toMatch(/<script/i);
  });
});

describe("savings workbook", () => {
  it("is an XLSX attachment whose Summary totals are the page's figures", async () => {
    const response = await download(finance, "/reports/savings.xlsx?from=2026-08&to=2026-10");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(XLSX_TYPE);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename=savings-2026-08-to-2026-10.xlsx');
    const summary = sheet(await readWorkbook(response.bytes), "Summary");
    // Rows 5 and 6: identified and realised; columns B to D: period, year to date, annualised.
    expect(summary.getCell("A5").value).toBe("Savings identified");
    // This period's figures are formulas over the category table; their cached results are the page's.
    expect([summary.getCell("B5").result, summary.getCell("C5").value, summary.getCell("D5").value]).toEqual([2930.34, 3054.34, 5931.51]);
    expect(summary.getCell("A6").value).toBe("Savings realised (money recovered)");
    expect([summary.getCell("B6").result, summary.getCell("C6").value, summary.getCell("D6").value]).toEqual([1759.14, 1883.14, 2824.71]);
    expect(summary.getCell("B8").result).toBe(350);
    expect(summary.getCell("B9").result).toBe(1228.3);
  });

  it("is for one provider when the page is", async () => {
    const response = await download(commissioner, "/reports/savings.xlsx?from=2026-08&to=2026-10&provider=P1");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename=savings-2026-08-to-2026-10-P1.xlsx');
    const summary = sheet(await readWorkbook(response.bytes), "Summary");
    expect(summary.getCell("B5").result).toBe(2073.14);
    expect(summary.getCell("B6").result).toBe(1759.14);
  });
});

describe("query packs", () => {
  it("gives a printable page of the provider's confirmed findings, under a policy that allows only its own styles", async () => {
    const pack = await finance.get("/reports/query-pack/P1");
    expect(pack.status).toBe(200);
    expect(pack.headers.get("content-type")).toMatch(/^text\/html/);
    // The authority is not named yet (migration 0001's "The council"): the Settings page names it, below.
    // Queried 124.00 + 80.00 + 100.00 + 60.00 + 300.00 = 664.00; f2 got 50.00 back; 614.00 still owed.
    expect(pack.text).toContain("<h1>Invoice query from The council to Oakfield Fostering</h1>");
    expect(pack.text).toContain("5 items on 3 invoices: £664.00 queried, £50.00 already credited, £614.00 still owed.");
    const csp = pack.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("script-src");
  });

  it("gives the same as an XLSX attachment", async () => {
    const response = await download(commissioner, "/reports/query-pack/P1.xlsx");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(XLSX_TYPE);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename=query-P1.xlsx');
    const query = sheet(await readWorkbook(response.bytes), "Query");
    let total: ExcelJS.CellValue = null;
    query.eachRow((row) => {
      if (row.getCell(1).value === "Total") total = row.getCell(12).value;
    });
    expect(total).toBe(614);
  });

  it("answers an unknown provider with 404, and refuses an administrator", async () => {
    expect((await commissioner.get("/reports/query-pack/NOPE")).status).toBe(404);
    expect((await download(commissioner, "/reports/query-pack/NOPE.xlsx")).status).toBe(404);
    expect((await admin.get("/reports/query-pack/P1")).status).toBe(403);
    expect((await download(admin, "/reports/query-pack/P1.xlsx")).status).toBe(403);
  });
});

describe("signing in first", () => {
  it("sends an anonymous visitor to sign in, and back afterwards", async () => {
    const anonymous = new WebClient(server.url);
    for (const path of ["/reports/savings", "/reports/savings.xlsx", "/reports/query-pack/P1", "/reports/query-pack/P1.xlsx"]) {
      const response = await anonymous.get(path);
      expect([302, 303], path).toContain(response.status);
      expect(response.location, path).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });
});

describe("the admin's Settings page (issue 25)", () => {
  it("sets the council's details, refuses bad ones naming each field, and the query pack shows them", async () => {
    expect((await finance.get("/settings")).status).toBe(403);
    const page = await admin.get("/settings");
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/settings"');
    const bad = await admin.post("/settings", { name: "", contactEmail: "not an address", queryReplyDays: "0", publicUrl: "javascript:alert(1)" });
    expect(bad.status).toBe(400);
    for (const id of ["name", "contactEmail", "queryReplyDays", "publicUrl"]) expect(bad.text).toContain(`<a href="#${id}">`);
    expect(bad.text).toContain("Contact email &quot;not an address&quot; is not an email address");
    const saved = await admin.post("/settings", {
      name: "Testshire County Council", address: "County Hall\r\nTestshire TS1 1AA", contactName: "Placements Finance", contactEmail: "invoices@testshire.example",
      contactPhone: "01632 960001", queryReplyDays: "14", publicUrl: "https://audit.testshire.example/",
    });
    expect(saved.status).toBe(303);
    const pack = await commissioner.get("/reports/query-pack/P1");
    expect(pack.text).toContain("<strong>Testshire County Council</strong><br>County Hall<br>Testshire TS1 1AA");
    expect(pack.text).toContain("invoices@testshire.example");
    expect(pack.text).toContain("29 Nov 2026"); // 15 Nov 2026 + 14 days
    const log = await t.db.knex("audit_log").where({ action: "authority.settings" }).first<{ actor: string } | undefined>("actor");
    expect(log?.actor).toBe("admin");
    expect((await t.db.knex("authorities").where({ id: 1 }).first<{ public_url: string }>("public_url")).public_url).toBe("https://audit.testshire.example");
  });
});
