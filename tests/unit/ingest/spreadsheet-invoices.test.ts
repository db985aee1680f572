import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceLine } from "../../../src/domain/invoice.js";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { csvText, utcDate, utf8WithBom, windows1252, xlsxWorkbook } from "../../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

function line(fields: Partial<InvoiceLine> & Pick<InvoiceLine, "lineNo" | "description" | "item" | "amount">): InvoiceLine {
  return { childRef: null, placementRef: null, from: null, to: null, quantity: null, unit: null, unitRate: null, ...fields };
}

async function read(name: string, bytes: Buffer): Promise<Extract<ReadOutcome, { status: "ok" }>> {
  const outcome = await readInvoiceFile(name, bytes, { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
  if (outcome.status !== "ok") throw new Error(`expected an invoice, got ${outcome.reason}: ${outcome.message}`);
  return outcome;
}

describe("XLSX invoices", () => {
  it("title and address rows above the table, real date cells, formula amounts noted as unverified", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Invoice",
        rows: [
          ["Hillside Supported Living"],
          ["4 Quay Street, Hillside HS1 2AB"],
          [],
          ["Invoice No", "HSL-2026-118"],
          ["Invoice Date", utcDate("2026-11-02")],
          ["Billing Period", "October 2026"],
          [],
          ["Child ID", "Description", "From", "To", "Nights", "Nightly Rate", "Amount"],
          ["C5001", "Supported accommodation", utcDate("2026-10-01"), utcDate("2026-10-31"), 31, 95, { formula: "E9*F9", result: 2945 }],
          ["C5002", "Education support day", utcDate("2026-10-05"), utcDate("2026-10-09"), 5, 60.5, { formula: "E10*F10", result: 302.5 }],
          [],
          [null, null, null, null, null, "Total", { formula: "SUM(G9:G10)", result: 3247.5 }],
        ],
      },
    ]);
    const outcome = await read("hillside-118.xlsx", bytes);
    expect(outcome.format).toBe("xlsx");
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "HSL",
      invoiceNumber: "HSL-2026-118",
      invoiceDate: "2026-11-02",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: null,
      vat: null,
      total: "3247.50",
      lines: [
        line({ lineNo: 1, childRef: "C5001", description: "Supported accommodation", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "95", amount: "2945.00" }),
        line({ lineNo: 2, childRef: "C5002", description: "Education support day", item: "education_day", from: "2026-10-05", to: "2026-10-09", quantity: "5", unit: "night", unitRate: "60.5", amount: "302.50" }),
      ],
    });
    expect(outcome.notes).toEqual(["Formula cells read by their saved result, not recalculated (unverified): G9, G10, G12."]);
  });

  it("several sheets: header fields on a cover sheet, lines on another, a hidden sheet ignored", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Cover",
        rows: [["Brookside Care Homes Ltd"], [], ["Invoice Ref: BCH-X-9"], ["Tax Point: 31/10/2026"], ["Period: 01/10/2026 - 31/10/2026"]],
      },
      { name: "Calc", hidden: true, rows: [["Description", "Child", "Amount"], ["Working", "X1", 99999]] },
      {
        name: "Lines",
        rows: [
          ["Placement ID", "Service", "Weeks", "Weekly Fee", "Value"],
          ["PL-77", "Residential placement", 4.43, 2100, 9303],
          ["PL-78", "Residential placement", 2, 2100, 4200],
          [null, null, null, "Sub-total", 13503],
          [null, null, null, "VAT", 0],
          [null, null, null, "Total", 13503],
        ],
      },
    ]);
    const outcome = await read("brookside.xlsx", bytes);
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "BRK",
      invoiceNumber: "BCH-X-9",
      invoiceDate: "2026-10-31",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: "13503.00",
      vat: "0.00",
      total: "13503.00",
      lines: [
        line({ lineNo: 1, placementRef: "PL-77", description: "Residential placement", item: "placement", quantity: "4.43", unit: "week", unitRate: "2100", amount: "9303.00" }),
        line({ lineNo: 2, placementRef: "PL-78", description: "Residential placement", item: "placement", quantity: "2", unit: "week", unitRate: "2100", amount: "4200.00" }),
      ],
    });
    expect(outcome.notes).toEqual(["1 hidden sheet(s) ignored."]);
  });

  it("text cells in another column order: a credit note by alias, with its original invoice", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Sheet1",
        rows: [
          ["CREDIT NOTE"],
          ["NLF Ltd"],
          ["Credit Note Number", "CN-88"],
          ["Date", "1 December 2026"],
          ["Original Invoice", "NLF/5521"],
          [],
          ["Line Total", "Qty", "Unit", "Unit Rate", "Child Ref", "Description", "Period"],
          ["-£131.00", "1", "night", "£131.00", "C3001", "Foster placement – night not placed", "31 Oct 2026 - 31 Oct 2026"],
          ["-£140.00", "1", "nights", "£140.00", "C3002", "Respite care", "12/10/2026 - 12/10/2026"],
          [],
          ["Total Credit", "£271.00"],
        ],
      },
    ]);
    const outcome = await read("nlf-cn-88.xlsx", bytes);
    expect(outcome.providerVia).toBe("alias");
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "NLF",
      invoiceNumber: "CN-88",
      invoiceDate: "2026-12-01",
      kind: "credit_note",
      creditsInvoice: "NLF/5521",
      periodFrom: null,
      periodTo: null,
      subtotal: null,
      vat: null,
      total: "271.00",
      lines: [
        line({ lineNo: 1, childRef: "C3001", description: "Foster placement – night not placed", item: "placement", from: "2026-10-31", to: "2026-10-31", quantity: "1", unit: "night", unitRate: "131", amount: "131.00" }),
        line({ lineNo: 2, childRef: "C3002", description: "Respite care", item: "placement", from: "2026-10-12", to: "2026-10-12", quantity: "1", unit: "night", unitRate: "140", amount: "140.00" }),
      ],
    });
  });
});

describe("CSV invoices", () => {
  it("UTF-8 with a byte-order mark, commas, header fields in label/value rows above the table", async () => {
    const text = csvText(
      [
        ["Supplier", "Oakfield Fostering Ltd"],
        ["VAT Reg No", "GB123456789"],
        ["Invoice No", "OFP-2001"],
        ["Invoice Date", "01/11/2026"],
        ["Period", "October 2026"],
        [],
        ["Child Ref", "Description", "Nights", "Rate", "Amount"],
        ["C1001", "Foster placement", "31", "£131.00", "£4,061.00"],
        ["C1002", "Therapy session", "2", "£65.00", "£130.00"],
        ["", "Sibling discount", "", "", "-£40.00"],
        ["", "", "", "Total", "£4,151.00"],
      ],
      ",",
    );
    const outcome = await read("oakfield-2001.csv", utf8WithBom(text));
    expect(outcome.format).toBe("csv");
    expect(outcome.providerVia).toBe("vat_number");
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "OAK",
      invoiceNumber: "OFP-2001",
      invoiceDate: "2026-11-01",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: null,
      vat: null,
      total: "4151.00",
      lines: [
        line({ lineNo: 1, childRef: "C1001", description: "Foster placement", item: "placement", quantity: "31", unit: "night", unitRate: "131", amount: "4061.00" }),
        line({ lineNo: 2, childRef: "C1002", description: "Therapy session", item: "therapy_session", quantity: "2", unit: "night", unitRate: "65", amount: "130.00" }),
        line({ lineNo: 3, description: "Sibling discount", item: "discount", amount: "-40.00" }),
      ],
    });
  });

  it("semicolons, a flat export repeating the invoice fields on every line, dotted dates, GBP suffixes", async () => {
    const text = csvText(
      [
        ["Invoice Number", "Tax Point", "Provider", "Client Ref", "Service", "Date From", "Date To", "Qty", "UoM", "Unit Price", "Line Total"],
        ["BCH-C-3", "31.10.2026", "Brookside Care Homes Ltd", "R2001", "Residential care", "01.10.2026", "31.10.2026", "31", "nights", "300.00", "9,300.00 GBP"],
        ["BCH-C-3", "31.10.2026", "Brookside Care Homes Ltd", "R2002", "Education – tuition", "05.10.2026", "09.10.2026", "5", "days", "120.00", "600.00 GBP"],
        ["", "", "", "", "Total Due", "", "", "", "", "", "9,900.00 GBP"],
      ],
      ";",
    );
    const outcome = await read("brookside-c3.csv", Buffer.from(text, "utf8"));
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "BRK",
      invoiceNumber: "BCH-C-3",
      invoiceDate: "2026-10-31",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: null,
      periodTo: null,
      subtotal: null,
      vat: null,
      total: "9900.00",
      lines: [
        line({ lineNo: 1, childRef: "R2001", description: "Residential care", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "300", amount: "9300.00" }),
        line({ lineNo: 2, childRef: "R2002", description: "Education – tuition", item: "education_day", from: "2026-10-05", to: "2026-10-09", quantity: "5", unit: "day", unitRate: "120", amount: "600.00" }),
      ],
    });
  });

  it("Windows-1252 bytes (£ as 0xA3), tabs, a unit column", async () => {
    const text = csvText(
      [
        ["Hillside Supported Living", "Invoice"],
        ["Invoice #", "HSL-300"],
        ["Invoice Date", "1 Nov 2026"],
        ["Billing Period", "1 Oct 2026 - 31 Oct 2026"],
        [],
        ["PO", "Description", "Quantity", "Unit", "Rate", "Amount"],
        ["PO-9002", "1:1 support", "10", "hours", "£25.00", "£250.00"],
        ["PO-9002", "Travel", "40", "miles", "£0.45", "£18.00"],
        ["", "Total", "", "", "", "£268.00"],
      ],
      "\t",
    );
    const bytes = windows1252(text);
    expect(bytes.includes(0xa3)).toBe(true);
    const outcome = await read("hillside-300.csv", bytes);
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "HSL",
      invoiceNumber: "HSL-300",
      invoiceDate: "2026-11-01",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: null,
      vat: null,
      total: "268.00",
      lines: [
        line({ lineNo: 1, placementRef: "PO-9002", description: "1:1 support", item: "one_to_one_hour", quantity: "10", unit: "hour", unitRate: "25", amount: "250.00" }),
        line({ lineNo: 2, placementRef: "PO-9002", description: "Travel", item: "transport_mile", quantity: "40", unit: "mile", unitRate: "0.45", amount: "18.00" }),
      ],
    });
  });
});
