import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordCreditRecovery } from "../../src/db/repositories/audit.repository.js";
import { Dec } from "../../src/domain/money.js";
import { ruleLabel } from "../../rules/catalogue.js";
import { AppError } from "../../src/domain/errors.js";
import {
  BY_MONTH_HEADINGS,
  BY_PROVIDER_HEADINGS,
  BY_RULE_HEADINGS,
  CATEGORY_HEADINGS,
  FINDINGS_HEADINGS,
  SHEET_NAMES,
  SUMMARY_HEADINGS,
  SUMMARY_LAYOUT,
} from "../../src/reports/savings.workbook.js";
import { QUERY_PACK_HEADINGS } from "../../src/reports/query-pack.js";
import { buildQueryPackWorkbook, providersToQuery, queryPackData, queryPackHtml } from "../../src/services/reports/query-pack.js";
import { buildSavingsWorkbook, savingsFigures, savingsFindings, savingsPageData, savingsWorkbookForRequest, writeMonthlyReport } from "../../src/services/reports/savings-report.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";
import {
  DANGEROUS_CHILD_REF,
  DANGEROUS_EXPLANATION,
  DANGEROUS_INVOICE_NUMBER,
  DANGEROUS_PROVIDER_NAME,
  seedSavingsFixture,
  type SeededIds,
} from "./reports-seed.js";

// Figures worked out by hand from tests/integration/reports-seed.ts and src/reports/figures.ts:
// identified = confirmed + recovered (full amount), realised = recovered_amount,
// at risk = open, dismissed apart, superseded nowhere.

let t: TestDatabase;
let ids: SeededIds;
let outDir: string;
const NOW = new Date("2026-11-15T10:00:00Z");

beforeAll(async () => {
  t = await openTestDatabase();
  ids = await seedSavingsFixture(t.db.knex);
  // The audit records a partial credit note of £120.00 against invoice OF-2001 (Dec 2026).
  await recordCreditRecovery(t.db.knex, ids.invoices.I9!, { authorityId: 1, childRef: null, amount: "120.00", creditNoteNumber: "CN-1", creditDate: "2026-12-20" });
  outDir = tempDir("reports");
});

afterAll(async () => {
  await t.dispose();
  fs.rmSync(outDir, { recursive: true, force: true });
});

async function roundTrip(workbook: ExcelJS.Workbook, name: string): Promise<ExcelJS.Workbook> {
  const file = path.join(outDir, name);
  await workbook.xlsx.writeFile(file);
  const read = new ExcelJS.Workbook();
  await read.xlsx.readFile(file);
  return read;
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

/** A cell's value as text, for comparisons (numbers as written, anything else as JSON). */
function text(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

function headings(ws: ExcelJS.Worksheet, row: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => text(ws.getRow(row).getCell(i + 1).value));
}

/** A number cell's value, or a formula cell's cached result; null for anything else. */
function numberOf(cell: ExcelJS.Cell): number | null {
  if (typeof cell.value === "number") return cell.value;
  if (cell.type === ExcelJS.ValueType.Formula) return typeof cell.result === "number" ? cell.result : null;
  return null;
}

/** A money cell read back (a real number, or a formula's cached result) in £#,##0.00, as pence. */
function money(ws: ExcelJS.Worksheet, address: string): string {
  const cell = ws.getCell(address);
  expect([ExcelJS.ValueType.Number, ExcelJS.ValueType.Formula], `${ws.name}!${address} is a number`).toContain(cell.type);
  expect(cell.numFmt).toBe("£#,##0.00");
  return new Dec(String(numberOf(cell))).toFixed(2);
}

/** A total cell: a SUM() (or a reference) whose cached result is `expected`. */
function formulaMoney(ws: ExcelJS.Worksheet, address: string): { formula: string; result: string } {
  const cell = ws.getCell(address);
  expect(cell.type, `${ws.name}!${address} is a formula`).toBe(ExcelJS.ValueType.Formula);
  return { formula: String(cell.formula), result: new Dec(String(numberOf(cell))).toFixed(2) };
}

function rowWithLabel(ws: ExcelJS.Worksheet, label: string): number {
  let found = -1;
  ws.eachRow((row, n) => {
    if (row.getCell(1).value === label) found = n;
  });
  if (found < 0) throw new Error(`no row "${label}" in ${ws.name}`);
  return found;
}

/** Sums over the rows of a data sheet between the header and the blank row before the total. */
function columnSum(ws: ExcelJS.Worksheet, column: number, firstRow: number, lastRow: number, where: (row: ExcelJS.Row) => boolean = () => true): string {
  let total = new Dec(0);
  for (let r = firstRow; r <= lastRow; r++) {
    const row = ws.getRow(r);
    if (!where(row)) continue;
    const value = numberOf(row.getCell(column));
    if (value !== null) total = total.plus(String(value));
  }
  return total.toFixed(2);
}

/** The database's own sums, by an independent query: the figures' definitions in SQL. */
async function databaseSums(from: string, to: string): Promise<{ identified: string; realised: string; atRisk: string; dismissed: string }> {
  const row = (await t.db.knex.raw<{ rows: { identified: string; realised: string; at_risk: string; dismissed: string }[] }>(
    `select
       coalesce(sum(f.amount) filter (where f.status in ('confirmed','recovered')), 0)::numeric(14,2)::text as identified,
       coalesce(sum(f.recovered_amount) filter (where f.status = 'recovered'), 0)::numeric(14,2)::text as realised,
       coalesce(sum(f.amount) filter (where f.status = 'open'), 0)::numeric(14,2)::text as at_risk,
       coalesce(sum(f.amount) filter (where f.status = 'dismissed'), 0)::numeric(14,2)::text as dismissed
     from findings f join invoices i on i.id = f.invoice_id
     where i.invoice_date >= ?::date and i.invoice_date < (?::date + interval '1 month')`,
    [`${from}-01`, `${to}-01`],
  ));
  const r = row.rows[0]!;
  return { identified: r.identified, realised: r.realised, atRisk: r.at_risk, dismissed: r.dismissed };
}

describe("savingsFigures", () => {
  it("counts each status as documented: partial recovery, superseded never, dismissed apart", async () => {
    const figures = await savingsFigures(t.db, { authorityId: 1, from: "2026-08", to: "2026-10" });
    expect(figures.period).toEqual({ from: "2026-08", to: "2026-10", label: "Aug 2026 to Oct 2026" });
    // identified: 124.00 + 80.00 + 1572.00 + 812.20 + 100.00 + 137.14 + 60.00
    // realised: 50.00 (of 80.00) + 1572.00 + 137.14; at risk: 100.00 + 250.00; dismissed: 75.50 + 1152.80
    expect(figures.totals).toEqual({
      identified: "2885.34", realised: "1759.14", outstanding: "1126.20", atRisk: "350.00", dismissed: "1228.30",
      findings: 11, identifiedCount: 7, recoveredCount: 3, atRiskCount: 2, dismissedCount: 2,
    });
    const byCategory = Object.fromEntries(figures.byCategory.map((c) => [c.category, c.figures]));
    expect(byCategory.fees).toMatchObject({ identified: "441.14", realised: "187.14", atRisk: "0.00", dismissed: "1152.80" });
    expect(byCategory.errors).toMatchObject({ identified: "2384.20", realised: "1572.00", atRisk: "100.00", dismissed: "0.00" });
    expect(byCategory.query).toMatchObject({ identified: "60.00", realised: "0.00", atRisk: "250.00", dismissed: "75.50" });
    expect(figures.byCategory.map((c) => c.words)).toEqual([
      "correct fees requested and discounts received", "invoice errors", "needs a person: money at risk, not yet a saving",
    ]);

    expect(figures.byMonth.map((m) => [m.month, m.totals.identified, m.totals.realised, m.totals.atRisk, m.totals.dismissed])).toEqual([
      ["2026-08", "204.00", "50.00", "100.00", "0.00"],
      ["2026-09", "1572.00", "1572.00", "250.00", "75.50"],
      ["2026-10", "1109.34", "137.14", "0.00", "1152.80"],
    ]);
    expect(figures.byProvider.map((p) => [p.providerId, p.name, p.totals.identified, p.totals.realised, p.totals.atRisk, p.totals.dismissed])).toEqual([
      ["P1", "Oakfield Fostering", "2073.14", "1759.14", "350.00", "75.50"],
      ["P2", DANGEROUS_PROVIDER_NAME, "812.20", "0.00", "0.00", "1152.80"],
    ]);
    const rules = Object.fromEntries(figures.byRule.map((r) => [r.rule, r.totals]));
    expect(rules["discount-not-applied"]).toMatchObject({ identified: "80.00", realised: "50.00", outstanding: "30.00" });
    expect(rules["duplicate-billing"]).toBeUndefined(); // superseded only
    expect(rules["total-mismatch"]).toBeUndefined();
    expect(figures.byRule[0]?.category).toBe("fees");

    // Year to date: Apr 2026 adds 124.00 recovered in full and 40.00 open.
    expect(figures.yearToDate).toMatchObject({ from: "2026-04", to: "2026-10" });
    expect(figures.yearToDate.totals).toMatchObject({ identified: "3009.34", realised: "1883.14", atRisk: "390.00", dismissed: "1228.30" });
    // Annualised: Nov 2025–Oct 2026, invoices from Mar 2026 (8 months): (3009.34 + 900.00) × 12 / 8.
    expect(figures.annualised).toMatchObject({
      from: "2025-11", to: "2026-10", monthsAvailable: 8, identifiedInWindow: "3909.34", realisedInWindow: "1883.14", identified: "5864.01", realised: "2824.71",
    });
  });

  it("other periods: one month, across financial years, one provider", async () => {
    const november = await savingsFigures(t.db, { authorityId: 1, from: "2026-11", to: "2026-11" });
    expect(november.totals).toMatchObject({ identified: "500.00", realised: "0.00", atRisk: "0.00", dismissed: "0.00", findings: 1 });
    expect(november.yearToDate.totals.identified).toBe("3509.34");
    // Dec 2025–Nov 2026, 9 months from Mar 2026: 4409.34 × 12 / 9 = 5879.12
    expect(november.annualised).toMatchObject({ monthsAvailable: 9, identified: "5879.12" });

    const spring = await savingsFigures(t.db, { authorityId: 1, from: "2026-03", to: "2026-04" });
    expect(spring.totals).toMatchObject({ identified: "1024.00", realised: "124.00", atRisk: "40.00", dismissed: "0.00" });
    expect(spring.yearToDate).toMatchObject({ from: "2026-04", to: "2026-04" });
    expect(spring.yearToDate.totals).toMatchObject({ identified: "124.00", realised: "124.00", atRisk: "40.00" });
    expect(spring.annualised).toMatchObject({ monthsAvailable: 2, identified: "6144.00", realised: "744.00" });

    const p2 = await savingsFigures(t.db, { authorityId: 1, from: "2026-08", to: "2026-10", providerId: "P2" });
    expect(p2.totals).toMatchObject({ identified: "812.20", dismissed: "1152.80", findings: 2 });
    expect(p2.byProvider.map((p) => p.providerId)).toEqual(["P2"]);
    expect(p2.annualised).toMatchObject({ monthsAvailable: 1, identified: "9746.40" });

    const empty = await savingsFigures(t.db, { authorityId: 1, from: "2025-01", to: "2025-02" });
    expect(empty.totals.findings).toBe(0);
    expect(empty.byMonth).toHaveLength(2);
    expect(empty.annualised).toMatchObject({ monthsAvailable: 0, identified: null, realised: null });
  });

  it("realises money recorded from a credit note without anyone typing it", async () => {
    const december = await savingsFigures(t.db, { authorityId: 1, from: "2026-12", to: "2026-12" });
    expect(december.totals).toMatchObject({ identified: "300.00", realised: "120.00", outstanding: "180.00", recoveredCount: 1 });
  });

  it("refuses a period that ends before it starts or is not a month", async () => {
    await expect(savingsFigures(t.db, { authorityId: 1, from: "2026-10", to: "2026-08" })).rejects.toMatchObject({ code: "usage" });
    await expect(savingsFigures(t.db, { authorityId: 1, from: "2026-13", to: "2026-08" })).rejects.toBeInstanceOf(AppError);
  });

  it("lists every finding of the period but superseded ones", async () => {
    const findings = await savingsFindings(t.db, { authorityId: 1, from: "2026-08", to: "2026-10" });
    expect(findings).toHaveLength(11);
    expect(findings.some((f) => f.status === "superseded")).toBe(false);
    const partial = findings.find((f) => f.rule === "discount-not-applied");
    expect(partial).toMatchObject({ amount: "80.00", recoveredAmount: "50.00", recoveredOn: "2026-09-30", invoiceNumber: "OF-1001", invoiceDate: "2026-08-15" });
  });
});

/** Text that reads like an identifier rather than words: "rate-above-agreed", "fees", "confirmed". */
const CODE_LIKE = /^([a-z0-9]+(-[a-z0-9]+)+|[a-z_]+)$/;

describe("the savings workbook", () => {
  it("has every sheet with its headings, frozen panes, autofilters and fitted columns", async () => {
    const workbook = await roundTrip(await buildSavingsWorkbook(t.db, { authorityId: 1, from: "2026-08", to: "2026-10", now: NOW }), "layout.xlsx");
    expect(workbook.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES]);
    const summary = sheet(workbook, "Summary");
    expect(headings(summary, SUMMARY_LAYOUT.headlineHeader, SUMMARY_HEADINGS.length)).toEqual([...SUMMARY_HEADINGS]);
    expect(headings(summary, SUMMARY_LAYOUT.categoryHeader, CATEGORY_HEADINGS.length)).toEqual([...CATEGORY_HEADINGS]);
    expect(headings(sheet(workbook, "By month"), 1, BY_MONTH_HEADINGS.length)).toEqual([...BY_MONTH_HEADINGS]);
    expect(headings(sheet(workbook, "By provider"), 1, BY_PROVIDER_HEADINGS.length)).toEqual([...BY_PROVIDER_HEADINGS]);
    expect(headings(sheet(workbook, "By rule"), 1, BY_RULE_HEADINGS.length)).toEqual([...BY_RULE_HEADINGS]);
    // Each rule is named by its catalogue label, as on the review pages.
    const byRule = sheet(workbook, "By rule");
    const labels: string[] = [];
    byRule.eachRow((r, n) => void (n > 1 && text(r.getCell(1).value) !== "Total" && r.getCell(1).value !== null && labels.push(text(r.getCell(1).value))));
    expect(labels).toContain(ruleLabel("discount-not-applied"));
    expect(labels.length).toBeGreaterThan(3);
    expect(headings(sheet(workbook, "Findings"), 1, FINDINGS_HEADINGS.length)).toEqual([...FINDINGS_HEADINGS]);
    expect(text(summary.getCell("A3").value)).toContain("Produced 15 Nov 2026");

    for (const ws of workbook.worksheets.filter((w) => w.name !== "Charts")) {
      const view = ws.views[0] as { state?: string; ySplit?: number } | undefined;
      expect(view?.state, `${ws.name} frozen`).toBe("frozen");
      expect(view?.ySplit, `${ws.name} frozen rows`).toBeGreaterThanOrEqual(1);
      expect(ws.autoFilter, `${ws.name} autofilter`).toBeTruthy();
    }
    expect(sheet(workbook, "Findings").autoFilter).toBe("A1:P12");
    // Months as rows (Aug, Sep, Oct), categories as columns.
    expect(sheet(workbook, "By month").autoFilter).toBe("A1:M4");

    // Widths fit: the explanation column is wide but capped, the id column narrow.
    const findingsSheet = sheet(workbook, "Findings");
    const explanationWidth = findingsSheet.getColumn(13).width ?? 0;
    expect(explanationWidth).toBeGreaterThanOrEqual(DANGEROUS_EXPLANATION.length - 10);
    expect(explanationWidth).toBeLessThanOrEqual(82);
    expect(findingsSheet.getColumn(1).width ?? 0).toBeLessThan(15); // "Finding"
    for (let c = 1; c <= FINDINGS_HEADINGS.length; c++) expect(findingsSheet.getColumn(c).width ?? 0).toBeGreaterThanOrEqual(FINDINGS_HEADINGS[c - 1]!.length);
  });

  it("writes totals as formulas whose cached values equal the database's sums, for several periods", async () => {
    const periods = [
      { from: "2026-08", to: "2026-10", identified: "2885.34", realised: "1759.14", atRisk: "350.00", dismissed: "1228.30" },
      { from: "2026-11", to: "2026-11", identified: "500.00", realised: "0.00", atRisk: "0.00", dismissed: "0.00" },
      { from: "2026-03", to: "2026-04", identified: "1024.00", realised: "124.00", atRisk: "40.00", dismissed: "0.00" },
      { from: "2026-04", to: "2026-12", identified: "3809.34", realised: "2003.14", atRisk: "390.00", dismissed: "1228.30" },
    ];
    for (const p of periods) {
      const db = await databaseSums(p.from, p.to);
      expect(db, `database sums ${p.from}–${p.to}`).toEqual({ identified: p.identified, realised: p.realised, atRisk: p.atRisk, dismissed: p.dismissed });
      const workbook = await roundTrip(await buildSavingsWorkbook(t.db, { authorityId: 1, from: p.from, to: p.to, now: NOW }), `totals-${p.from}-${p.to}.xlsx`);
      const summary = sheet(workbook, "Summary");
      const L = SUMMARY_LAYOUT;
      const totalRow = rowWithLabel(summary, "Total");
      // The headline refers to the category table's total row, which sums the categories.
      expect(formulaMoney(summary, `B${L.identified}`)).toEqual({ formula: `B${totalRow}`, result: p.identified });
      expect(formulaMoney(summary, `B${L.realised}`)).toEqual({ formula: `C${totalRow}`, result: p.realised });
      expect(formulaMoney(summary, `B${L.outstanding}`).result).toBe(new Dec(p.identified).minus(p.realised).toFixed(2));
      expect(formulaMoney(summary, `B${L.atRisk}`)).toEqual({ formula: `E${totalRow}`, result: p.atRisk });
      expect(formulaMoney(summary, `B${L.dismissed}`)).toEqual({ formula: `F${totalRow}`, result: p.dismissed });
      expect(formulaMoney(summary, `B${totalRow}`)).toEqual({ formula: `SUM(B${L.categoryHeader + 1}:B${totalRow - 1})`, result: p.identified });
      expect(columnSum(summary, 2, L.categoryHeader + 1, totalRow - 1)).toBe(p.identified);

      // By month, By provider and By rule: data rows and total rows agree with the database.
      for (const [name, identifiedColumn] of [["By month", 8], ["By provider", 3], ["By rule", 3]] as const) {
        const ws = sheet(workbook, name);
        const total = rowWithLabel(ws, "Total");
        const letter = (offset: number) => String.fromCharCode(64 + identifiedColumn + offset);
        expect(columnSum(ws, identifiedColumn, 2, total - 1), `${name} identified`).toBe(p.identified);
        expect(columnSum(ws, identifiedColumn + 1, 2, total - 1), `${name} realised`).toBe(p.realised);
        expect(columnSum(ws, identifiedColumn + 3, 2, total - 1), `${name} at risk`).toBe(p.atRisk);
        expect(columnSum(ws, identifiedColumn + 4, 2, total - 1), `${name} dismissed`).toBe(p.dismissed);
        for (const [offset, expected] of [[0, p.identified], [1, p.realised], [3, p.atRisk], [4, p.dismissed]] as const) {
          expect(formulaMoney(ws, `${letter(offset)}${total}`), `${name} total`).toEqual({ formula: `SUM(${letter(offset)}2:${letter(offset)}${total - 2})`, result: expected });
        }
      }
      // By month: each month's categories, side by side, add up to its identified figure.
      const byMonth = sheet(workbook, "By month");
      expect(columnSum(byMonth, 2, 2, rowWithLabel(byMonth, "Total") - 1) + "/" + columnSum(byMonth, 3, 2, rowWithLabel(byMonth, "Total") - 1)).toMatch(/^\d+\.\d{2}\/\d+\.\d{2}$/);
      expect(new Dec(columnSum(byMonth, 2, 2, rowWithLabel(byMonth, "Total") - 1)).plus(columnSum(byMonth, 3, 2, rowWithLabel(byMonth, "Total") - 1)).plus(columnSum(byMonth, 4, 2, rowWithLabel(byMonth, "Total") - 1)).toFixed(2)).toBe(p.identified);
      expect(formulaMoney(byMonth, "H2").formula).toBe("SUM(B2:D2)");

      // Findings: amounts by status and recovered amounts; the total row sums them.
      const findings = sheet(workbook, "Findings");
      const last = rowOf(findings, 2, "Total") - 2;
      const status = (s: string[]) => (row: ExcelJS.Row) => s.includes(text(row.getCell(9).value));
      expect(columnSum(findings, 10, 2, last, status(["Confirmed", "Recovered"]))).toBe(p.identified);
      expect(columnSum(findings, 11, 2, last)).toBe(p.realised);
      expect(formulaMoney(findings, `K${last + 2}`).result).toBe(p.realised);
      expect(columnSum(findings, 10, 2, last, status(["Open"]))).toBe(p.atRisk);
      expect(columnSum(findings, 10, 2, last, status(["Dismissed"]))).toBe(p.dismissed);
      expect(columnSum(findings, 10, 2, last, status(["Superseded"]))).toBe("0.00");
    }
  });

  it("is panel-ready: charts, labels in words, finding ids linking back", async () => {
    await t.db.knex("authorities").where({ id: 1 }).update({ public_url: "https://audit.kestrelvale.example" });
    try {
      const workbook = await roundTrip(await buildSavingsWorkbook(t.db, { authorityId: 1, from: "2026-08", to: "2026-10", now: NOW }), "panel.xlsx");
      // Two chart pictures (PNG) on the Charts sheet.
      const charts = sheet(workbook, "Charts");
      const images = charts.getImages();
      expect(images).toHaveLength(2);
      for (const image of images) {
        const media = workbook.model.media[Number(image.imageId)] as { extension: string; buffer: Buffer } | undefined;
        expect(media?.extension).toBe("png");
        expect(Buffer.from(media!.buffer).subarray(1, 4).toString("latin1")).toBe("PNG");
        expect(media!.buffer.length).toBeGreaterThan(5000);
      }
      // Labels people read: no rule id, category code or lower-case status anywhere a label goes.
      const labelCells: string[] = [];
      for (const [name, columns] of [["Summary", [1]], ["By rule", [1, 2]], ["Findings", [7, 8, 9]]] as const) {
        sheet(workbook, name).eachRow((row, n) => {
          if (n === 1) return;
          for (const c of columns) {
            const value = row.getCell(c).value;
            if (typeof value === "string") labelCells.push(value);
          }
        });
      }
      expect(labelCells.length).toBeGreaterThan(30);
      expect(labelCells.filter((label) => CODE_LIKE.test(label))).toEqual([]);
      expect([...BY_MONTH_HEADINGS].filter((h) => CODE_LIKE.test(h))).toEqual([]);
      expect(labelCells).toContain("Recovered");
      expect(labelCells).toContain("Correct fees and discounts");
      // Each finding: its id, and a link to its page.
      const findings = sheet(workbook, "Findings");
      const dbIds = new Set((await t.db.knex("findings").select<{ id: string }[]>("id")).map((r) => String(r.id)));
      let linked = 0;
      findings.eachRow((row, n) => {
        if (n === 1 || typeof row.getCell(1).value !== "number") return;
        const id = row.getCell(1).text;
        expect(dbIds.has(id), `finding ${id} exists`).toBe(true);
        const link = row.getCell(16).value as { hyperlink?: string; text?: string };
        expect(link.hyperlink).toBe(`https://audit.kestrelvale.example/findings/${id}`);
        linked++;
      });
      expect(linked).toBe(11);
    } finally {
      await t.db.knex("authorities").where({ id: 1 }).update({ public_url: null });
    }
  });

  it("shows a partial recovery as its full amount identified and its recovered amount realised", async () => {
    const workbook = await roundTrip(await buildSavingsWorkbook(t.db, { authorityId: 1, from: "2026-08", to: "2026-08", now: NOW }), "partial.xlsx");
    const rule = sheet(workbook, "By rule");
    const row = rowWithLabel(rule, ruleLabel("discount-not-applied"));
    expect(money(rule, `C${row}`)).toBe("80.00");
    expect(money(rule, `D${row}`)).toBe("50.00");
    expect(money(rule, `E${row}`)).toBe("30.00");
    const findings = sheet(workbook, "Findings");
    let found = 0;
    findings.eachRow((r, n) => {
      if (n > 1 && r.getCell(7).value === ruleLabel("discount-not-applied")) {
        found++;
        expect(money(findings, `J${n}`)).toBe("80.00");
        expect(money(findings, `K${n}`)).toBe("50.00");
        expect(r.getCell(12).value).toEqual(new Date(Date.UTC(2026, 8, 30)));
      }
    });
    expect(found).toBe(1);
  });

  it("writes text from outside data as text, never as a formula; its only formulas are its own totals", async () => {
    const workbook = await roundTrip(await buildSavingsWorkbook(t.db, { authorityId: 1, from: "2026-10", to: "2026-10", now: NOW }), "injection.xlsx");
    for (const ws of workbook.worksheets) {
      ws.eachRow((row) => {
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) expect(cell.formula, `${ws.name}!${cell.address}`).toMatch(/^(SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+)$/);
          if (typeof cell.value === "string") expect(cell.value, `${ws.name}!${cell.address}`).not.toMatch(/^[=+\-@\t\r]/);
        });
      });
    }
    const findings = sheet(workbook, "Findings");
    const row = findings.getRow(rowOf(findings, 7, ruleLabel("vat-overcharge")));
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(2).value).toBe(`'${DANGEROUS_PROVIDER_NAME}`);
    expect(row.getCell(4).value).toBe(`'${DANGEROUS_INVOICE_NUMBER}`);
    expect(row.getCell(13).value).toBe(`'${DANGEROUS_EXPLANATION}`);
    const absence = findings.getRow(rowOf(findings, 7, ruleLabel("absence-not-at-retainer")));
    expect(absence.getCell(6).value).toBe(`'${DANGEROUS_CHILD_REF}`);
    expect(absence.getCell(14).value).toBe("'-retainer agreed");
    const provider = sheet(workbook, "By provider");
    expect(provider.getCell(`A${rowOf(provider, 2, "P2")}`).value).toBe(`'${DANGEROUS_PROVIDER_NAME}`);
  });
});

function rowOf(ws: ExcelJS.Worksheet, column: number, value: string): number {
  let found = -1;
  ws.eachRow((row, n) => {
    if (row.getCell(column).value === value) found = n;
  });
  if (found < 0) throw new Error(`no ${value} in ${ws.name}`);
  return found;
}

describe("writeMonthlyReport", () => {
  it("writes DATA_DIR/reports/savings-YYYY-MM.xlsx for the financial year to date", async () => {
    const dataDir = tempDir("monthly");
    try {
      const file = await writeMonthlyReport(t.db, "2026-10", dataDir, { authorityId: 1, now: NOW });
      expect(file).toBe(path.join(dataDir, "reports", "savings-2026-10.xlsx"));
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const summary = sheet(workbook, "Summary");
      expect(money(summary, `B${SUMMARY_LAYOUT.identified}`)).toBe("3009.34"); // Apr–Oct 2026
      expect(text(summary.getCell("A2").value)).toContain("This period: Apr 2026 to Oct 2026");
      expect(fs.readdirSync(path.dirname(file))).toEqual(["savings-2026-10.xlsx"]); // no temporary file left
      await expect(writeMonthlyReport(t.db, "October", dataDir, { authorityId: 1 })).rejects.toMatchObject({ code: "usage" });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the provider query pack", () => {
  it("lists the provider's findings still owed, grouped by kind, with nights from the evidence", async () => {
    const pack = await queryPackData(t.db, "P1", { authorityId: 1, now: NOW });
    expect(pack.provider).toEqual({ providerId: "P1", name: "Oakfield Fostering" });
    expect(pack.generatedOn).toBe("2026-11-15");
    expect(pack.replyBy).toBe("2026-12-13");
    // f1 (Aug), f10 and f12 (Oct) confirmed; f2 (Aug) recovered £50.00 of £80.00, so £30.00 is still
    // asked for; f18 (Dec) got £120.00 of £300.00 back from the credit note: £180.00 still owed.
    expect(pack.lines.map((l) => [l.invoiceNumber, l.childRef, l.rule, l.nights, l.charged, l.expected, l.queried, l.outstanding])).toEqual([
      ["OF-1001", "C1001", "rate-above-agreed", 31, "4185.00", "4061.00", "124.00", "124.00"],
      ["OF-1001", "C1001", "discount-not-applied", null, "80.00", "0.00", "80.00", "30.00"],
      ["OF-1003", "C1001", "extra-rate-above-agreed", null, "1300.00", "1200.00", "100.00", "100.00"],
      ["OF-1003", "C1002", "extra-not-agreed", 7, "60.00", "0.00", "60.00", "60.00"],
      ["OF-2001", "C1001", "rate-above-agreed", null, "300.00", "0.00", "300.00", "180.00"],
    ]);
    expect(pack.sections.map((s) => [s.rule, s.lines.length, s.outstanding])).toEqual([
      ["rate-above-agreed", 2, "304.00"],
      ["discount-not-applied", 1, "30.00"],
      ["extra-not-agreed", 1, "60.00"],
      ["extra-rate-above-agreed", 1, "100.00"],
    ]);
    expect(pack.lines[3]?.nightRanges).toEqual([{ from: "2026-10-01", to: "2026-10-05", nights: 5 }, { from: "2026-10-10", to: "2026-10-11", nights: 2 }]);
    expect(pack.invoiceCount).toBe(3);
    // 124.00 + 30.00 + 100.00 + 60.00 + 180.00
    expect(pack.total).toBe("494.00");
    expect(pack.recovered).toBe("170.00");
  });

  it("is a workbook with safe text", async () => {
    const workbook = await roundTrip(await buildQueryPackWorkbook(t.db, "P2", { authorityId: 1, now: NOW }), "pack-p2.xlsx");
    const ws = sheet(workbook, "Lines");
    expect(headings(ws, 1, QUERY_PACK_HEADINGS.length + 1)).toEqual(["Issue", ...QUERY_PACK_HEADINGS]);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const row = ws.getRow(2);
    expect(row.getCell(2).value).toBe(`'${DANGEROUS_INVOICE_NUMBER}`);
    expect(row.getCell(5).value).toBeNull(); // whole-invoice finding: no child
    expect(money(ws, "I2")).toBe("812.20");
    expect(money(ws, "J2")).toBe("0.00");
    expect(money(ws, "M2")).toBe("812.20");
    expect(money(ws, `M${rowWithLabel(ws, "Total")}`)).toBe("812.20");
    expect(text(sheet(workbook, "Query").getCell("A1").value)).toBe(`Invoice query from The council to ${DANGEROUS_PROVIDER_NAME}`); // starts with "Invoice", so safe as is
  });

  it("is a printable HTML page with every value escaped", async () => {
    const html = await queryPackHtml(t.db, "P2", { authorityId: 1, now: NOW });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toContain("@media print");
    expect(html).toContain("=HYPERLINK(&quot;http://evil.example&quot;,&quot;Click&quot;)");
    expect(html).not.toContain("<b>but</b>");
    expect(html).toContain("£812.20");
    expect(html).toContain("5 Oct 2026");
    const p1 = await queryPackHtml(t.db, "P1", { authorityId: 1, now: NOW });
    expect(p1).toContain("1 Oct 2026 to 5 Oct 2026; 10 Oct 2026 to 11 Oct 2026");
    expect(p1).toContain("£494.00");
    expect(p1).toContain("£4,185.00");
  });

  it("says so for a provider with nothing owed, and refuses an unknown provider", async () => {
    const pack = await queryPackData(t.db, "P3", { authorityId: 1 });
    // P3's confirmed findings: f14 (Nov) and f17 (Mar)
    expect(pack.lines.map((l) => l.outstanding)).toEqual(["900.00", "500.00"]);
    await expect(queryPackData(t.db, "NOPE", { authorityId: 1 })).rejects.toMatchObject({ code: "not_found" });
    await t.db.knex("providers").insert({ provider_id: "P4", name: "Quiet Homes", kind: "other" });
    const html = await queryPackHtml(t.db, "P4", { authorityId: 1 });
    expect(html).toContain("Nothing is owed by Quiet Homes: there is nothing to query.");
    expect((await providersToQuery(t.db, 1)).map((p) => p.providerId)).not.toContain("P4");
  });
});

describe("the web page's data", () => {
  it("reads the query string and gives the page everything formatted", async () => {
    const view = await savingsPageData(t.db, { from: "2026-08", to: "2026-10", provider: "P1" }, { authorityId: 1, now: NOW });
    expect(view.periodLabel).toBe("Aug 2026 to Oct 2026");
    expect(view.scopeLabel).toBe("Oakfield Fostering");
    expect(view.headline[0]).toMatchObject({ label: "Savings identified", period: "£2,073.14" });
    expect(view.form.providers.find((p) => p.selected)?.value).toBe("P1");
    expect(view.downloadHref).toBe("/reports/savings.xlsx?from=2026-08&to=2026-10&provider=P1");
    expect(view.monthlyChart).toContain("<svg");

    const wrong = await savingsPageData(t.db, { from: "2026-8", provider: "NOPE" }, { authorityId: 1, now: NOW });
    expect(wrong.form.errors.map((e) => e.field)).toEqual(["from", "provider"]);
    expect(wrong.periodLabel).toBe("Apr 2026 to Oct 2026");
  });

  it("builds the download for a valid query and refuses an invalid one", async () => {
    const download = await savingsWorkbookForRequest(t.db, { from: "2026-08", to: "2026-10" }, { authorityId: 1, now: NOW });
    expect(download?.fileName).toBe("savings-2026-08-to-2026-10.xlsx");
    const summary = sheet(await roundTrip(download!.workbook, "download.xlsx"), "Summary");
    expect(money(summary, `B${SUMMARY_LAYOUT.identified}`)).toBe("2885.34");
    expect(await savingsWorkbookForRequest(t.db, { to: "October" }, { authorityId: 1, now: NOW })).toBeNull();
  });
});
