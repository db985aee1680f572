import { beforeAll, describe, expect, it } from "vitest";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { warmUpPdfReader } from "../../../src/ingest/readers/pdf.reader.js";
import { pdfLibLayout, tableOps, type PdfLayout } from "../../fixtures/invoices/pdf-builders.js";
import { layoutSimple } from "../../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { rawTextPdf } from "../../fixtures/hostile/raw-pdf.js";

/**
 * Issue 16 item 4: every refusal has a stable code, quotes what the reader stopped at, and lists
 * every problem of the file at once; an unknown provider is told by the name or VAT number seen
 * in the header block, never by the document's lines.
 */
async function attention(bytes: Uint8Array): Promise<Extract<ReadOutcome, { status: "needs_attention" }>> {
  const outcome = await readInvoiceFile("file.pdf", bytes, { providers: FIXTURE_PROVIDERS, templates: [] });
  if (outcome.status !== "needs_attention") throw new Error(`expected needs attention, got invoice ${outcome.invoice.invoiceNumber}`);
  return outcome;
}

function withOps(layout: PdfLayout, ...ops: PdfLayout["ops"]): PdfLayout {
  return { ...layout, ops: [...layout.ops, ...ops] };
}

beforeAll(async () => {
  await warmUpPdfReader();
});

describe("reasons people can act on", () => {
  it("an unknown provider is named by what its header block prints, never by its lines", async () => {
    const layout = withOps(
      layoutSimple({ provider: "Unheard Of Care Ltd", number: "U-1", date: "01/11/2026", lines: [["C1001", "Weekend respite for Jamie", "01/10/2026", "31/10/2026", "31", "£131.00", "£4,061.00"]] }),
      { x: 40, y: 64, text: "VAT Reg No: GB 555 1234 56" },
    );
    const outcome = await attention(await pdfLibLayout(layout));
    expect(outcome.reason).toBe("unknown_provider");
    expect(outcome.evidence).toBe('name "Unheard Of Care Ltd"; VAT number GB555123456');
    expect(outcome.problems).toEqual([{ code: "unknown_provider", message: expect.stringContaining("GB555123456") as string, evidence: outcome.evidence }]);
    expect(outcome.invoiceNumber).toBe("U-1");
    const everything = JSON.stringify(outcome);
    for (const fromTheLines of ["C1001", "Jamie", "4,061"]) expect(everything).not.toContain(fromTheLines);
  });

  it("lists every problem of the file at once, each with its code and what it stopped at", async () => {
    const layout: PdfLayout = {
      pages: 1,
      ops: [
        { x: 40, y: 50, text: "Nobody Known Fostering", size: 14, bold: true },
        { x: 350, y: 70, text: "Invoice code: Q-77" },
        { x: 350, y: 82, text: "Raised on: the first of November" },
        ...tableOps([{ x: 40 }, { x: 100 }, { x: 300 }], [["Child Ref", "Description", "Nights"], ["C1001", "Foster placement", "31"]], 140),
      ],
    };
    const outcome = await attention(await pdfLibLayout(layout));
    expect(outcome.problems.map((p) => p.code)).toEqual(["unknown_provider", "no_line_table", "no_invoice_number", "no_invoice_date"]);
    const byCode = new Map(outcome.problems.map((p) => [p.code, p]));
    expect(byCode.get("no_line_table")?.evidence).toBe('closest to a heading row: "Child Ref | Description | Nights"');
    expect(byCode.get("no_invoice_number")?.evidence).toBe('"Invoice code: Q-77"');
    expect(byCode.get("no_invoice_date")?.evidence).toBeNull();
    expect(outcome.reason).toBe("unknown_provider");
    expect(outcome.message).toBe(outcome.problems[0]?.message);
  });

  it("quotes each line it cannot use, all of them, with where it was printed", async () => {
    const layout = layoutSimple({
      provider: "Oakfield Fostering Ltd",
      number: "OFP-1",
      date: "01/11/2026",
      lines: [
        ["C1001", "Foster placement", "", "", "31", "£131.00", "£4,061.00"],
        ["C1002", "Foster placement", "", "", "30", "£131.00", "£3,930.00"],
      ],
    });
    const outcome = await attention(await pdfLibLayout(layout));
    expect(outcome.reason).toBe("line_missing_period");
    expect(outcome.problems).toHaveLength(2);
    expect(outcome.problems.map((p) => p.evidence)).toEqual([expect.stringMatching(/^row \d+: "Foster placement"$/), expect.stringMatching(/^row \d+: "Foster placement"$/)]);
    expect(outcome.providerId).toBe("OAK");
    expect(outcome.invoiceNumber).toBe("OFP-1");
  });

  it("never takes a value holding a NUL: the row is quoted with the character's code", async () => {
    const cells = (y: number, texts: string[]): Array<{ x: number; y: number; literal: string }> => texts.map((literal, i) => ({ x: [40, 100, 300, 360, 440][i] ?? 40, y, literal }));
    const pdf = rawTextPdf([
      { x: 40, y: 50, literal: "Oakfield Fostering Ltd" },
      { x: 350, y: 70, literal: "Invoice No: OFP-8" },
      { x: 350, y: 82, literal: "Invoice Date: 02/11/2026" },
      { x: 350, y: 94, literal: "Period: October 2026" },
      ...cells(140, ["Child Ref", "Description", "Nights", "Rate", "Amount"]),
      ...cells(154, ["C1001", "Respite\\000care", "31", "131.00", "4,061.00"]),
    ]);
    const outcome = await attention(pdf);
    expect(outcome.reason).toBe("text_layer_unreadable");
    expect(outcome.evidence).toMatch(/^page 1 row \d+: "C1001 \| Respite\\u0000care \| 31 \| 131\.00 \| 4,061\.00"$/);
    const shown = [outcome.message, outcome.evidence ?? "", ...outcome.problems.map((p) => `${p.message}${p.evidence ?? ""}`)].join("\n");
    expect(shown).not.toContain("\u0000");
  });
});
