import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { parse, type HTMLElement } from "node-html-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, formatDate } from "../../src/domain/dates.js";
import { londonDate } from "../../src/domain/months.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { decideFinding, type Actor } from "../../src/services/review/decide-finding.js";
import { runCli } from "../support/cli.js";
import { openTestDatabase, tempDir, usingPostgres, type TestDatabase } from "../support/db.js";
import { seedInvoice } from "../support/seed.js";

/**
 * The query pack a finance officer sends as it is (issue 25), produced by the CLI from a real
 * audit and opened as a reader would: the HTML parsed, the workbook read with exceljs.
 *
 * Worked by hand (AUDIT.md): child C1001 placed with Oakfield (placement PL-OAK-0007, contract
 * CON-OAK-23) at £917.00 a week = £131.00 a night, with a 5% percentage discount D-OAK-VOL5.
 * - OAK-2001 (31 Oct 2026), line 1: 1–31 Oct, 31 nights @ £135.00 = £4,185.00, no discount credited.
 *   rate-above-agreed: £4,185.00 − 31 × £131.00 (£4,061.00) = £124.00;
 *   discount-not-applied: £4,061.00 − £4,061.00 × 0.95 (£3,857.95) = £203.05.
 * - OAK-2002 (30 Nov 2026), line 1: 1–30 Nov, 30 nights @ £135.00 = £4,050.00.
 *   rate-above-agreed: £4,050.00 − 30 × £131.00 (£3,930.00) = £120.00;
 *   discount-not-applied: £3,930.00 × 5% = £196.50.
 * All four confirmed; £100.00 of the first £124.00 recovered, so £24.00 of it is still owed.
 * Queried £643.55; already credited £100.00; still owed £543.55: fees £24.00 + £120.00 = £144.00,
 * discounts £203.05 + £196.50 = £399.55.
 * Birch House (P2) has one finding dismissed and one open: nothing to query, so no pack.
 */
const INTERNAL_CODES = ["CON-OAK-23", "PL-OAK-0007", "D-OAK-VOL5", "CON-BIR-1", "PL-BIR-1", "rate-above-agreed", "discount-not-applied", "arithmetic-error"];
// The pack is dated the day it is produced (Europe/London); it gives 28 days to reply.
const TODAY = londonDate(new Date());
const COMPACT = TODAY.replace(/-/g, "");

let t: TestDatabase;
let outDir: string;
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
let folderRun: { code: number; out: string; err: string };
let emptyRun: { code: number; out: string; err: string };

async function seed(t: TestDatabase): Promise<void> {
  const k = t.db.knex;
  await k("providers").insert([
    { provider_id: "P1", name: "Oakfield Fostering", kind: "ifa", vat_number: null },
    { provider_id: "P2", name: "Birch House", kind: "ifa", vat_number: null },
  ]);
  await k("contracts").insert([
    { contract_id: "CON-OAK-23", provider_id: "P1", title: "IFA 2026", start_date: "2026-01-01", absence_retainer_pct: "80", absence_retainer_max_nights: 14, vat_exempt: true },
    { contract_id: "CON-BIR-1", provider_id: "P2", title: "IFA 2026", start_date: "2026-01-01", absence_retainer_pct: "80", absence_retainer_max_nights: 14, vat_exempt: true },
  ]);
  await k("placements").insert([
    { placement_id: "PL-OAK-0007", child_ref: "C1001", provider_id: "P1", contract_id: "CON-OAK-23", start_date: "2026-03-02", weekly_fee: "917.00" },
    { placement_id: "PL-BIR-1", child_ref: "C2001", provider_id: "P2", contract_id: "CON-BIR-1", start_date: "2026-03-02", weekly_fee: "917.00" },
  ]);
  await k("discounts").insert({ discount_id: "D-OAK-VOL5", provider_id: "P1", contract_id: "CON-OAK-23", kind: "percentage", percent: "5", effective_from: "2026-01-01", description: "Volume discount" });
  const fee = (child: string, from: string, to: string, nights: string, amount: string) =>
    ({ child_ref: child, description: "Foster care placement fee", item: "placement", from_date: from, to_date: to, quantity: nights, unit: "night", unit_rate: "135.00", amount });
  const ids = [
    await seedInvoice(k, { provider_id: "P1", invoice_number: "OAK-2001", invoice_date: "2026-10-31", total: "4185.00", lines: [fee("C1001", "2026-10-01", "2026-10-31", "31", "4185.00")] }),
    await seedInvoice(k, { provider_id: "P1", invoice_number: "OAK-2002", invoice_date: "2026-11-30", total: "4050.00", lines: [fee("C1001", "2026-11-01", "2026-11-30", "30", "4050.00")] }),
    await seedInvoice(k, { provider_id: "P2", invoice_number: "BIR-1", invoice_date: "2026-10-31", total: "4185.00", lines: [fee("C2001", "2026-10-01", "2026-10-31", "31", "4185.00")] }),
    await seedInvoice(k, { provider_id: "P2", invoice_number: "BIR-2", invoice_date: "2026-11-30", total: "4050.00", lines: [fee("C2001", "2026-11-01", "2026-11-30", "30", "4050.00")] }),
  ];
  await auditArrivals(t.db, { authorityId: 1, invoiceIds: ids });
  const findings = await k("findings as f").join("invoices as i", "i.id", "f.invoice_id").select<{ id: string; invoice_number: string; rule: string; amount: string }[]>("f.id", "i.invoice_number", "f.rule", "f.amount").orderBy("f.id");
  expect(findings.map((f) => [f.invoice_number, f.rule, f.amount]).sort()).toEqual([
    ["BIR-1", "rate-above-agreed", "124.00"],
    ["BIR-2", "rate-above-agreed", "120.00"],
    ["OAK-2001", "discount-not-applied", "203.05"],
    ["OAK-2001", "rate-above-agreed", "124.00"],
    ["OAK-2002", "discount-not-applied", "196.50"],
    ["OAK-2002", "rate-above-agreed", "120.00"],
  ]);
  const actor: Actor = { userId: null, username: "finance", authorityId: 1 };
  const at = new Date("2026-12-02T12:00:00Z");
  for (const f of findings) {
    if (f.invoice_number.startsWith("OAK")) await decideFinding(t.db, actor, f.id, { action: "confirm" }, at);
    if (f.invoice_number === "BIR-1") await decideFinding(t.db, actor, f.id, { action: "dismiss", reason: "Agreed by phone" }, at);
  }
  const first = findings.find((f) => f.invoice_number === "OAK-2001" && f.rule === "rate-above-agreed");
  await decideFinding(t.db, actor, String(first?.id), { action: "recover", amount: "100.00", recoveredOn: "2026-12-03", reference: "CN-1" }, new Date("2026-12-03T12:00:00Z"));
}

beforeAll(async () => {
  t = await openTestDatabase();
  await seed(t);
  if (!usingPostgres()) await t.db.close();
  process.env.DATA_DIR = t.dataDir;
  process.env.DATABASE_URL = t.databaseUrl ?? "";
  process.env.LOG_LEVEL = "error";
  outDir = tempDir("query-pack");
  const set = await runCli(
    "authority", "set", "--name", "Kestrel Vale Council", "--address", "Town Hall; 1 High Street; Kestrel Vale KV1 1AA",
    "--contact-name", "Placements Finance Team", "--contact-email", "placement.invoices@kestrelvale.example", "--contact-phone", "01632 960000", "--reply-days", "28",
  );
  expect(set).toMatchObject({ code: 0 });
  expect(set.out).toContain("Kestrel Vale KV1 1AA");
  folderRun = await runCli("report", "query-pack", "--out", outDir);
  emptyRun = await runCli("report", "query-pack", "--provider", "P2", "--out", path.join(outDir, "p2.html"));
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (usingPostgres()) await t.dispose();
  else fs.rmSync(t.dataDir, { recursive: true, force: true });
  fs.rmSync(outDir, { recursive: true, force: true });
});

function page(): HTMLElement {
  return parse(fs.readFileSync(path.join(outDir, "query-P1.html"), "utf8"));
}

/** Every text a reader sees in the workbook, sheet by sheet. */
async function workbookTexts(file: string): Promise<{ workbook: ExcelJS.Workbook; texts: string[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const texts: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void (cell.type !== ExcelJS.ValueType.Merge && texts.push(cell.text)))));
  return { workbook, texts };
}

function pounds(cell: ExcelJS.Cell): string {
  return Number(cell.value).toFixed(2);
}

describe("the query pack a finance officer sends as it is", () => {
  it("is written only for the providers with something to query", () => {
    expect(folderRun.code).toBe(0);
    expect(fs.readdirSync(outDir).sort()).toEqual(["query-P1.html", "query-P1.xlsx"]);
    expect(folderRun.out).toContain(`Oakfield Fostering: 4 item(s), £543.55 still owed, reference Q-${COMPACT}-`);
    expect(folderRun.out).not.toContain("Birch House");
    expect(emptyRun.code).toBe(1);
    expect(emptyRun.err).toContain("nothing to query with Birch House");
    expect(fs.existsSync(path.join(outDir, "p2.html"))).toBe(false);
  });

  it("HTML: says who asks, the reference and the reply-by date", () => {
    const html = page();
    const address = html.querySelector("address")?.structuredText ?? "";
    expect(address.split("\n")).toEqual(["Kestrel Vale Council", "Town Hall", "1 High Street", "Kestrel Vale KV1 1AA"]);
    const details = Object.fromEntries(html.querySelectorAll("dl.details dt").map((dt) => [dt.text.trim(), (dt.nextElementSibling?.structuredText ?? "").trim()]));
    expect(details["To"]).toBe("Oakfield Fostering");
    expect(details["Our reference"]).toMatch(new RegExp(`^Q-${COMPACT}-[0-9A-F]{6}$`));
    expect(details["Date"]).toBe(formatDate(TODAY));
    expect(details["Please reply by"]).toBe(formatDate(addDays(TODAY, 28)));
    expect(details["Contact"]?.split("\n")).toEqual(["Placements Finance Team", "placement.invoices@kestrelvale.example", "01632 960000"]);
    expect(html.querySelector("h1")?.text).toBe("Invoice query from Kestrel Vale Council to Oakfield Fostering");
  });

  it("HTML: one explanation per kind of issue, the lines in its table, amounts to the penny", () => {
    const html = page();
    const sections = html.querySelectorAll("section");
    expect(sections.map((s) => s.querySelector("h2")?.text)).toEqual(["Fees above the agreed fee", "Agreed discounts not applied"]);
    expect(html.querySelectorAll("p.explanation")).toHaveLength(2);
    const rows = (s: HTMLElement) => s.querySelectorAll("tbody tr").map((tr) => tr.querySelectorAll("td").map((td) => td.text.trim()));
    expect(rows(sections[0]!)).toEqual([
      ["OAK-2001", "31 Oct 2026", "1", "C1001", "Foster care placement fee", "31: 1 Oct 2026 to 31 Oct 2026", "£4,185.00", "£4,061.00", "£124.00", "£100.00", "£24.00"],
      ["OAK-2002", "30 Nov 2026", "1", "C1001", "Foster care placement fee", "30: 1 Nov 2026 to 30 Nov 2026", "£4,050.00", "£3,930.00", "£120.00", "£0.00", "£120.00"],
    ]);
    expect(rows(sections[1]!).map((r) => [r[0], r[8], r[9], r[10]])).toEqual([["OAK-2001", "£203.05", "£0.00", "£203.05"], ["OAK-2002", "£196.50", "£0.00", "£196.50"]]);
    expect(sections.map((s) => s.querySelector("tfoot td")?.text)).toEqual(["£144.00", "£399.55"]);
    expect(html.querySelector("#total-owed")?.text).toBe("£543.55");
    expect(html.querySelector("p.summary")?.text).toBe("4 items on 2 invoices: £643.55 queried, £100.00 already credited, £543.55 still owed.");
  });

  it("HTML: no internal code, and it prints on A4", () => {
    const source = fs.readFileSync(path.join(outDir, "query-P1.html"), "utf8");
    const text = page().structuredText;
    for (const code of INTERNAL_CODES) expect(text, code).not.toContain(code);
    expect(source).toContain("@page { size: A4");
    expect(source).toContain("@media print");
    expect(page().querySelectorAll("script, link[rel=stylesheet], img")).toHaveLength(0);
  });

  it("XLSX: the same letter, the same amounts, no internal code", async () => {
    const { workbook, texts } = await workbookTexts(path.join(outDir, "query-P1.xlsx"));
    const all = texts.join("\n");
    for (const code of INTERNAL_CODES) expect(all, code).not.toContain(code);
    expect(all).toContain("Kestrel Vale Council\nTown Hall\n1 High Street\nKestrel Vale KV1 1AA");
    expect(all).toContain("placement.invoices@kestrelvale.example");
    expect(all).toContain(formatDate(addDays(TODAY, 28)));
    expect(all).toMatch(new RegExp(`Q-${COMPACT}-[0-9A-F]{6}`));
    const query = workbook.getWorksheet("Query")!;
    const explanations = texts.filter((x) => x.startsWith("The fee charged for these nights") || x.startsWith("The placement agreement gives a discount"));
    expect(explanations).toHaveLength(2);
    const byLabel = new Map<string, ExcelJS.Row>();
    query.eachRow((row) => void byLabel.set(row.getCell(1).text, row));
    expect(pounds(byLabel.get("Still owed: Fees above the agreed fee")!.getCell(12))).toBe("144.00");
    expect(pounds(byLabel.get("Still owed: Agreed discounts not applied")!.getCell(12))).toBe("399.55");
    const total = byLabel.get("Total")!;
    expect([pounds(total.getCell(10)), pounds(total.getCell(11)), pounds(total.getCell(12))]).toEqual(["643.55", "100.00", "543.55"]);
    const lines = workbook.getWorksheet("Lines")!;
    const owed: string[] = [];
    lines.eachRow((row, n) => void (n > 1 && row.getCell(2).text.startsWith("OAK") && owed.push(pounds(row.getCell(13)))));
    expect(owed).toEqual(["24.00", "120.00", "203.05", "196.50"]);
  });
});
