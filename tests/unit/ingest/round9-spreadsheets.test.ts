import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceLine } from "../../../src/domain/invoice.js";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { csvText, utcDate, utf8WithBom, xlsxWorkbook } from "../../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/**
 * Round 9 (issue 16), spreadsheets: a line's period under "Week From" / "Stay To" style headings,
 * a credit note's own words for its totals ("Net credit", "Total credited"), its amounts as real
 * negative cells or negative text, and a credit note that prints both signs among its lines.
 */
function line(fields: Partial<InvoiceLine> & Pick<InvoiceLine, "lineNo" | "description" | "item" | "amount">): InvoiceLine {
  return { childRef: null, placementRef: null, from: null, to: null, quantity: null, unit: null, unitRate: null, ...fields };
}

async function read(name: string, bytes: Buffer): Promise<Extract<ReadOutcome, { status: "ok" }>> {
  const outcome = await readInvoiceFile(name, bytes, { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
  if (outcome.status !== "ok") throw new Error(`expected an invoice, got ${outcome.reason}: ${outcome.message}`);
  return outcome;
}

describe("spreadsheet invoices, round 9", () => {
  it("an XLSX credit note: negative number cells, Stay From / Stay To, labels beside values in two column pairs, Net credit / VAT credit / Total credited", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Sheet1",
        rows: [
          ["Oakfield Fostering Ltd"],
          ["VAT Reg No", "GB123456789"],
          [],
          ["CREDIT NOTE"],
          ["Credit Note No", "OAK-CN-7", null, null, "Invoice Credited", "OAK-1200"],
          ["Date", utcDate("2026-12-04")],
          [],
          ["Child Ref", "Reason", "Stay From", "Stay To", "Nights", "Nightly Rate", "Credit"],
          ["C1001", "Night not placed", utcDate("2026-11-03"), utcDate("2026-11-04"), 2, 110, -220],
          ["C1002", "Respite not used", utcDate("2026-11-10"), utcDate("2026-11-10"), 1, 95.5, -95.5],
          [],
          [null, null, null, null, null, "Net credit", -315.5],
          [null, null, null, null, null, "VAT credit", -63.1],
          [null, null, null, null, null, "Total credited", -378.6],
        ],
      },
    ]);
    const outcome = await read("oak-cn-7.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "OAK",
      invoiceNumber: "OAK-CN-7",
      invoiceDate: "2026-12-04",
      kind: "credit_note",
      creditsInvoice: "OAK-1200",
      periodFrom: null,
      periodTo: null,
      // 2 × 110.00 + 1 × 95.50 = 315.50; 20% VAT 63.10; 378.60 in all, stored by size.
      subtotal: "315.50",
      vat: "63.10",
      total: "378.60",
      lines: [
        line({ lineNo: 1, childRef: "C1001", description: "Night not placed", item: "placement", from: "2026-11-03", to: "2026-11-04", quantity: "2", unit: "night", unitRate: "110", amount: "220.00" }),
        line({ lineNo: 2, childRef: "C1002", description: "Respite not used", item: "placement", from: "2026-11-10", to: "2026-11-10", quantity: "1", unit: "night", unitRate: "95.5", amount: "95.50" }),
      ],
    });
  });

  it("a CSV credit note: negative text and brackets, Dates From / Dates To, Net Credit as the subtotal", async () => {
    const bytes = utf8WithBom(
      csvText(
        [
          ["Northern Lights Fostering"],
          ["Credit Note No", "NLF-CN-3"],
          ["Date", "04/12/2026"],
          ["Against Invoice", "NLF-900"],
          [],
          ["Child Ref", "Description", "Dates From", "Dates To", "Nights", "Rate", "Amount"],
          ["C3001", "Foster placement", "01/11/2026", "02/11/2026", "2", "131.00", "-262.00"],
          ["C3002", "Respite", "05/11/2026", "05/11/2026", "1", "140.00", "(140.00)"],
          [],
          ["", "", "", "", "", "Net Credit", "(402.00)"],
          ["", "", "", "", "", "Total Credit", "-402.00"],
        ],
        ",",
      ),
    );
    const outcome = await read("nlf-cn-3.csv", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect(outcome.invoice.kind).toBe("credit_note");
    expect(outcome.invoice.creditsInvoice).toBe("NLF-900");
    // 2 × 131.00 = 262.00, 1 × 140.00 = 140.00; 402.00 both as the subtotal and the total.
    expect([outcome.invoice.subtotal, outcome.invoice.vat, outcome.invoice.total]).toEqual(["402.00", null, "402.00"]);
    expect(outcome.invoice.lines.map((l) => [l.from, l.to, l.amount])).toEqual([
      ["2026-11-01", "2026-11-02", "262.00"],
      ["2026-11-05", "2026-11-05", "140.00"],
    ]);
  });

  it("a credit note printing both signs among its lines: the line against the credit's sign is marked, not stored as a credit for sure", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Sheet1",
        rows: [
          ["Oakfield Fostering Ltd"],
          ["CREDIT NOTE"],
          ["Credit Note No", "OAK-CN-8"],
          ["Date", utcDate("2026-12-04")],
          ["Invoice Credited", "OAK-1201"],
          [],
          ["Child Ref", "Reason", "Week From", "Week To", "Nights", "Nightly Rate", "Credit"],
          ["C1001", "Night not placed", utcDate("2026-11-03"), utcDate("2026-11-04"), 2, 110, -220],
          ["C1002", "Correction", utcDate("2026-11-10"), utcDate("2026-11-10"), 1, 95.5, 95.5],
          [],
          [null, null, null, null, null, "Total credit", -124.5],
        ],
      },
    ]);
    const outcome = await read("oak-cn-8.xlsx", bytes);
    // -220.00 + 95.50 = -124.50, the total: the second line is printed against the credit.
    expect(outcome.uncertain.map((u) => [u.field, u.candidates])).toEqual([["line 2 amount", ["95.50", "-95.50"]]]);
  });

  it("a CSV invoice with Week From / Week To and hours at £/hr", async () => {
    const bytes = utf8WithBom(
      csvText(
        [
          ["Hillside Supported Living"],
          ["Invoice No", "HSL-77"],
          ["Invoice Date", "01/12/2026"],
          [],
          ["Young Person", "Service", "Week From", "Week To", "Hours", "£/hr", "Total"],
          ["C5001", "Floating support", "09/11/2026", "15/11/2026", "3", "24.00", "72.00"],
          ["C5002", "Floating support", "16/11/2026", "22/11/2026", "2", "24.00", "48.00"],
          [],
          ["", "", "", "", "", "Total", "120.00"],
        ],
        ",",
      ),
    );
    const outcome = await read("hsl-77.csv", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect(outcome.invoice.total).toBe("120.00");
    expect(outcome.invoice.lines.map((l) => [l.childRef, l.from, l.to, l.quantity, l.unit, l.unitRate, l.amount])).toEqual([
      ["C5001", "2026-11-09", "2026-11-15", "3", "hour", "24", "72.00"],
      ["C5002", "2026-11-16", "2026-11-22", "2", "hour", "24", "48.00"],
    ]);
  });

  it("labels in cells with an empty cell before their values, Service From / Service To as real dates", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Sheet1",
        rows: [
          ["Hillside Supported Living"],
          [],
          ["Invoice No:", null, "HSL-78"],
          ["Invoice Date:", null, utcDate("2026-12-01")],
          [],
          ["Young Person", "Service", "Service From", "Service To", "Hours", "£/hr", "Total"],
          ["C5001", "Floating support", utcDate("2026-11-09"), utcDate("2026-11-15"), 3, 24, 72],
          [],
          [null, null, null, null, null, "Total", 72],
        ],
      },
    ]);
    const outcome = await read("hsl-78.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect([outcome.invoice.invoiceNumber, outcome.invoice.invoiceDate, outcome.invoice.total]).toEqual(["HSL-78", "2026-12-01", "72.00"]);
    expect(outcome.invoice.lines.map((l) => [l.from, l.to, l.amount])).toEqual([["2026-11-09", "2026-11-15", "72.00"]]);
  });

  it("'Charge To' and 'Invoice To' are addresses, not a line's last night", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Sheet1",
        rows: [
          ["Hillside Supported Living"],
          ["Invoice No", "HSL-79"],
          ["Invoice Date", utcDate("2026-12-01")],
          ["Billing Period", "November 2026"],
          [],
          ["Young Person", "Service", "Charge To", "Nights", "Nightly Rate", "Amount"],
          ["C5001", "Supported accommodation", "Kestrel Vale Council", 30, 95, 2850],
          [],
          [null, null, null, null, "Total", 2850],
        ],
      },
    ]);
    const outcome = await read("hsl-79.xlsx", bytes);
    // 30 × 95.00 = 2,850.00 over the billing period; no date read from the "Charge To" column.
    expect(outcome.invoice.lines.map((l) => [l.from, l.to, l.amount])).toEqual([[null, null, "2850.00"]]);
    expect([outcome.invoice.periodFrom, outcome.invoice.periodTo]).toEqual(["2026-11-01", "2026-11-30"]);
  });
});
