import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceLine } from "../../../src/domain/invoice.js";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { csvText } from "../../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/** Invoices in the spellings other tools write: serial dates, US dates, decimal commas, UTF-16. */

function line(fields: Partial<InvoiceLine> & Pick<InvoiceLine, "lineNo" | "description" | "item" | "amount">): InvoiceLine {
  return { childRef: null, placementRef: null, from: null, to: null, quantity: null, unit: null, unitRate: null, ...fields };
}

/** Hillside's CSV invoice: its header block (invoice number and date as given), then the table rows. */
function hillsideCsv(number: string, date: string, table: string[][], separator: "," | ";" | "\t" = ",", extra: string[][] = []): string {
  return csvText([["Hillside Supported Living"], ...extra, ["Invoice No", number], ["Invoice Date", date], ["Billing Period", "October 2026"], [], ...table], separator);
}

const read = (name: string, bytes: Buffer): Promise<ReadOutcome> => readInvoiceFile(name, bytes, { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });

/** Dates pasted as values into General cells: bare serial numbers in the workbook's date system. */
async function serialWorkbook(date1904: boolean): Promise<Buffer> {
  const shift = date1904 ? 1462 : 0;
  const workbook = new ExcelJS.Workbook();
  workbook.properties.date1904 = date1904;
  const sheet = workbook.addWorksheet("Invoice");
  // 46327 = 1 Nov 2026, 46296 = 1 Oct 2026, 46326 = 31 Oct 2026 in the 1900 system (25569 is 1 Jan 1970).
  const rows: (string | number)[][] = [
    ["Hillside Supported Living"],
    ["Invoice No", "HSL-5001"],
    ["Invoice Date", 46327 - shift],
    [],
    ["Child ID", "Description", "From", "To", "Nights", "Nightly Rate", "Amount"],
    ["C5001", "Supported accommodation", 46296 - shift, 46326 - shift, 31, 95, 2945],
    [],
    ["", "", "", "", "", "Total", 2945],
  ];
  rows.forEach((cells, r) => cells.forEach((value, c) => { if (value !== "") sheet.getCell(r + 1, c + 1).value = value; }));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const expected: Invoice = {
  providerId: "HSL",
  invoiceNumber: "HSL-5001",
  invoiceDate: "2026-11-01",
  kind: "invoice",
  creditsInvoice: null,
  periodFrom: null,
  periodTo: null,
  subtotal: null,
  vat: null,
  total: "2945.00",
  lines: [line({ lineNo: 1, childRef: "C5001", description: "Supported accommodation", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "95", amount: "2945.00" })],
};

describe("invoices in other tools' spellings", () => {
  it("bare serial numbers under date headings and beside the date label: read in the 1900 system, and the notes say so", async () => {
    const outcome = await read("hillside-serial.xlsx", await serialWorkbook(false));
    if (outcome.status !== "ok") throw new Error(outcome.message);
    expect(outcome.invoice).toEqual(expected);
    expect(outcome.notes).toContain('Dates written as Excel serial day numbers (a date column pasted as values) were read in the 1900 date system: invoice date "46327" = 2026-11-01, "46296" = 2026-10-01, "46326" = 2026-10-31.');
  });

  it("the same in a workbook saved in the 1904 date system", async () => {
    const outcome = await read("hillside-serial-1904.xlsx", await serialWorkbook(true));
    if (outcome.status !== "ok") throw new Error(outcome.message);
    expect(outcome.invoice).toEqual(expected);
    expect(outcome.notes).toContain('Dates written as Excel serial day numbers (a date column pasted as values) were read in the 1904 date system: invoice date "44865" = 2026-11-01, "44834" = 2026-10-01, "44864" = 2026-10-31.');
  });

  it("a date in US order beside the date label: the reason quotes it and says month-first, with its own code", async () => {
    const text = hillsideCsv("HSL-5002", "11/30/2026", [
      ["Child ID", "Description", "Nights", "Nightly Rate", "Amount"],
      ["C5001", "Supported accommodation", "31", "95.00", "2945.00"],
    ]);
    const outcome = await read("hillside-us.csv", Buffer.from(text, "utf8"));
    if (outcome.status !== "needs_attention") throw new Error("read");
    expect([outcome.reason, outcome.message, outcome.evidence]).toEqual([
      "invoice_date_unreadable",
      'The invoice date "11/30/2026" on HSL-5002 could not be read: it looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD.',
      '"Invoice Date | 11/30/2026"',
    ]);
  });

  it("a day that does not exist is quoted as such, not reported as no date at all", async () => {
    const text = hillsideCsv("HSL-5003", "31/02/2026", [["Child ID", "Description", "Amount"], ["C5001", "Supported accommodation", "2945.00"]]);
    const outcome = await read("hillside-31feb.csv", Buffer.from(text, "utf8"));
    if (outcome.status !== "needs_attention") throw new Error("read");
    expect([outcome.reason, outcome.message]).toEqual(["invoice_date_unreadable", 'The invoice date "31/02/2026" on HSL-5003 could not be read: it is shaped like day/month/year but there is no such day.']);
  });

  it("decimal commas: never read as thousands (12,5 nights is not 125), and the total 1.234,56 is not 1.23", async () => {
    const text = hillsideCsv(
      "HSL-5004",
      "01/11/2026",
      [
        ["Child ID", "Description", "Weeks", "Weekly Rate", "Amount"],
        ["C5001", "Supported accommodation", "4,5", "274,35", "1.234,56"],
        ["", "", "", "Total", "1.234,56"],
      ],
      ";",
    );
    const outcome = await read("hillside-comma.csv", Buffer.from(text, "utf8"));
    const problems = outcome.status === "needs_attention" ? outcome.problems : [];
    expect(outcome.status).toBe("needs_attention");
    const messages = problems.map((problem) => problem.message).join("\n");
    expect(messages).toContain('prints "4,5" under the quantity heading, which could not be read as one: it looks like a number written with a decimal comma');
    expect(messages).toContain('prints "1.234,56" under the amount heading, which could not be read as one: it looks like a number written with a decimal comma');
    expect(messages).not.toContain("123456");
    expect(messages).not.toMatch(/\b1\.23\b|\b45\b/);
  });

  it("Excel's \"Unicode text\": UTF-16 LE with a byte-order mark, tab separated, £ signs", async () => {
    const text = hillsideCsv(
      "HSL-5005",
      "01/11/2026",
      [["Child ID", "Description", "Nights", "Nightly Rate", "Amount"], ["C5001", "Supported accommodation", "31", "£95.00", "£2,945.00"], ["", "", "", "Total", "£2,945.00"]],
      "\t",
      [["VAT Reg No", "GB 987 654 321"]],
    );
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const outcome = await read("hillside-unicode.txt.csv", bytes);
    if (outcome.status !== "ok") throw new Error(outcome.message);
    expect(outcome.providerVia).toBe("vat_number");
    expect(outcome.invoice).toEqual({ ...expected, invoiceNumber: "HSL-5005", periodFrom: "2026-10-01", periodTo: "2026-10-31", lines: [{ ...expected.lines[0], from: null, to: null }] });
  });
});
