import { beforeAll, describe, expect, it } from "vitest";
import type { Invoice, InvoiceLine } from "../../../src/domain/invoice.js";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { warmUpPdfReader } from "../../../src/ingest/readers/pdf.reader.js";
import { pdfkitLayout, pdfLibLayout, type PdfLayout } from "../../fixtures/invoices/pdf-builders.js";
import {
  layoutCreditNote,
  layoutGrouped,
  layoutLabelsAbove,
  layoutMultiPage,
  layoutSideBySide,
  layoutSimple,
  layoutTwoLineHeadings,
} from "../../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

// Every layout is drawn by both PDF producers; the expected values are worked out by hand from
// what each layout prints (see tests/fixtures/invoices/pdf-layouts.ts).
const PRODUCERS = [
  ["pdfkit", (layout: PdfLayout) => pdfkitLayout(layout)],
  ["pdf-lib", (layout: PdfLayout) => pdfLibLayout(layout)],
] as const;

function line(fields: Partial<InvoiceLine> & Pick<InvoiceLine, "lineNo" | "description" | "item" | "amount">): InvoiceLine {
  return { childRef: null, placementRef: null, from: null, to: null, quantity: null, unit: null, unitRate: null, ...fields };
}

async function read(layout: PdfLayout, produce: (layout: PdfLayout) => Promise<Buffer>, name = "invoice.pdf"): Promise<Extract<ReadOutcome, { status: "ok" }>> {
  const outcome = await readInvoiceFile(name, await produce(layout), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
  if (outcome.status !== "ok") throw new Error(`expected an invoice, got ${outcome.reason}: ${outcome.message}`);
  return outcome;
}

beforeAll(async () => {
  await warmUpPdfReader();
});

describe.each(PRODUCERS)("PDF invoices drawn by %s", (_producer, produce) => {
  it("A: side-by-side header blocks, provider by VAT number, bracketed discount", async () => {
    const outcome = await read(layoutSideBySide(), produce);
    expect(outcome.providerVia).toBe("vat_number");
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "OAK",
      invoiceNumber: "OFP-1046",
      invoiceDate: "2026-11-03",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: "6550.00",
      vat: "0.00",
      total: "6550.00",
      lines: [
        line({ lineNo: 1, childRef: "C1001", description: "Standard foster placement", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "131", amount: "4061.00" }),
        line({ lineNo: 2, childRef: "C1002", description: "Placement fee – second child", item: "placement", from: "2026-10-01", to: "2026-10-20", quantity: "20", unit: "night", unitRate: "131", amount: "2620.00" }),
        line({ lineNo: 3, childRef: "C1002", description: "Sibling discount 5%", item: "discount", amount: "-131.00" }),
      ],
    });
  });

  it("B: two pages, repeated headings, carried and brought forward rows, weeks from the headings", async () => {
    const { invoice } = await read(layoutMultiPage(), produce);
    expect(invoice.providerId).toBe("BRK"); // "Ltd" printed, "Limited" in the reference data
    expect([invoice.invoiceNumber, invoice.invoiceDate, invoice.periodFrom, invoice.periodTo]).toEqual(["BCH/2026/0311", "2026-11-02", "2026-10-01", "2026-10-31"]);
    expect([invoice.subtotal, invoice.vat, invoice.total]).toEqual(["29105.95", "0.00", "29105.95"]);
    expect(invoice.lines).toEqual([
      line({ lineNo: 1, childRef: "R2001", description: "Residential care – standard", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "4.43", unit: "week", unitRate: "2100", amount: "9303.00" }),
      line({ lineNo: 2, childRef: "R2002", description: "Residential care – enhanced", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "4.43", unit: "week", unitRate: "2450", amount: "10853.50" }),
      line({ lineNo: 3, childRef: "R2003", description: "Residential care – standard", item: "placement", from: "2026-10-01", to: "2026-10-15", quantity: "2.14", unit: "week", unitRate: "2100", amount: "4494.00" }),
      line({ lineNo: 4, childRef: "R2003", description: "Residential care – standard", item: "placement", from: "2026-10-16", to: "2026-10-31", quantity: "2.29", unit: "week", unitRate: "2205", amount: "5049.45" }),
      line({ lineNo: 5, description: "Volume discount 2%", item: "discount", amount: "-594.00" }),
    ]);
  });

  it("C: labels above their values, PO numbers, the Net column as the amount, VAT charged", async () => {
    const { invoice } = await read(layoutLabelsAbove(), produce);
    expect(invoice).toEqual<Invoice>({
      providerId: "HSL",
      invoiceNumber: "HSL-77",
      invoiceDate: "2026-11-01",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: "3149.00",
      vat: "629.80",
      total: "3778.80",
      lines: [
        line({ lineNo: 1, placementRef: "PO-9001", description: "Supported accommodation", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "95", amount: "2945.00" }),
        line({ lineNo: 2, placementRef: "PO-9002", description: "Mileage to school", item: "transport_mile", from: "2026-10-01", to: "2026-10-31", quantity: "120", unit: "mile", unitRate: "0.45", amount: "54.00" }),
        line({ lineNo: 3, placementRef: "PO-9002", description: "1:1 support", item: "one_to_one_hour", from: "2026-10-12", to: "2026-10-12", quantity: "6", unit: "hour", unitRate: "25", amount: "150.00" }),
      ],
    });
  });

  it("D: a credit note against an invoice named in a sentence, amounts stored positive", async () => {
    const outcome = await read(layoutCreditNote(), produce);
    expect(outcome.providerVia).toBe("alias");
    expect(outcome.invoice).toEqual<Invoice>({
      providerId: "OAK",
      invoiceNumber: "OFP-CN-7",
      invoiceDate: "2026-11-05",
      kind: "credit_note",
      creditsInvoice: "OFP-1046",
      periodFrom: "2026-10-01",
      periodTo: "2026-10-31",
      subtotal: null,
      vat: null,
      total: "254.00",
      lines: [
        line({ lineNo: 1, childRef: "C1001", description: "Placement fee overcharge", item: "placement", quantity: "31", unit: "night", unitRate: "4", amount: "124.00" }),
        line({ lineNo: 2, childRef: "C1002", description: "Duplicate 1:1 hours", item: "one_to_one_hour", quantity: "5", unit: "hour", unitRate: "26", amount: "130.00" }),
      ],
    });
  });

  it("E: headings on two lines, wrapped descriptions, units inside quantities and rates", async () => {
    const { invoice } = await read(layoutTwoLineHeadings(), produce);
    expect(invoice).toEqual<Invoice>({
      providerId: "NLF",
      invoiceNumber: "NLF/5521",
      invoiceDate: "2026-11-01",
      kind: "invoice",
      creditsInvoice: null,
      periodFrom: null,
      periodTo: null,
      subtotal: null,
      vat: null,
      total: "4481.00",
      lines: [
        line({ lineNo: 1, childRef: "C3001", description: "Foster placement – standard weekly fee", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "131", amount: "4061.00" }),
        line({ lineNo: 2, childRef: "C3002", description: "Respite care", item: "placement", from: "2026-10-10", to: "2026-10-12", quantity: "3", unit: "night", unitRate: "140", amount: "420.00" }),
      ],
    });
  });

  it("F: lines grouped under child rows; the longer provider name wins over one inside it", async () => {
    const { invoice } = await read(layoutGrouped(), produce);
    expect(invoice.providerId).toBe("ACN");
    expect([invoice.invoiceNumber, invoice.invoiceDate, invoice.total, invoice.periodFrom]).toEqual(["AFN-12", "2026-11-15", "1200.00", null]);
    expect(invoice.lines).toEqual([
      line({ lineNo: 1, childRef: "C4001", description: "Day care", item: "placement", from: "2026-10-01", to: "2026-10-10", quantity: "10", unit: "day", unitRate: "80", amount: "800.00" }),
      line({ lineNo: 2, childRef: "C4002", description: "Day care", item: "placement", from: "2026-10-05", to: "2026-10-09", quantity: "5", unit: "day", unitRate: "80", amount: "400.00" }),
    ]);
  });
});

describe("table furniture that is not lines", () => {
  it("a table that runs onto page 2 without repeating its headings", async () => {
    const layout = layoutMultiPage();
    layout.ops = layout.ops.filter((op) => !(op.page === 2 && op.y === 100 && op.bold));
    const { invoice } = await read(layout, pdfLibLayout);
    expect(invoice.lines.map((l) => [l.childRef, l.amount])).toEqual([
      ["R2001", "9303.00"], ["R2002", "10853.50"], ["R2003", "4494.00"], ["R2003", "5049.45"], [null, "-594.00"],
    ]);
    expect(invoice.total).toBe("29105.95");
  });

  it("per-child subtotal rows inside the table", async () => {
    const layout = layoutSimple({
      provider: "Oakfield Fostering Ltd", number: "S-1", date: "01/11/2026", period: "October 2026",
      lines: [
        ["C1001", "Foster placement", "01/10/2026", "31/10/2026", "31", "£131.00", "£4,061.00"],
        ["", "Subtotal C1001", "", "", "", "", "£4,061.00"],
        ["C1002", "Foster placement", "01/10/2026", "20/10/2026", "20", "£131.00", "£2,620.00"],
        ["", "Subtotal C1002", "", "", "", "", "£2,620.00"],
        ["", "Total", "", "", "", "", "£6,681.00"],
      ],
    });
    const { invoice, notes } = await read(layout, pdfkitLayout);
    expect(invoice.lines.map((l) => [l.childRef, l.amount])).toEqual([["C1001", "4061.00"], ["C1002", "2620.00"]]);
    // Printed rows 1–4 are the provider and header fields, 5 the headings, 6 the first line.
    expect(notes).toEqual([
      'row 7 ("Subtotal C1001 £4,061.00") was read as a partial total, not as a line.',
      'row 9 ("Subtotal C1002 £2,620.00") was read as a partial total, not as a line.',
    ]);
    expect([invoice.subtotal, invoice.total]).toEqual([null, "6681.00"]);
  });
});
