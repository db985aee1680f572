import { describe, expect, it } from "vitest";
import { CHAR, item, read } from "../../support/drawn-page.js";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { joinLetterSpacedItems, rowsFromItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";

/**
 * Round 10 of the reader (issue 16): what the layout variants of seeds 10 and 11 found once the
 * generator made round 9's classes at random. Each page drawn item by item; the expected values
 * are what the page prints.
 */

/** `text` drawn one character at a time at a Courier pitch of one character (as a legacy system sets "T A X  P O I N T"). */
function spaced(x: number, top: number, text: string): PositionedText[] {
  return [...text].flatMap((c, k) => (c === " " ? [] : [item(x + k * CHAR, top, c)]));
}

describe("labels set with their letters spaced", () => {
  it("a run of single letters at one pitch is read as its words, the value beside it left alone", () => {
    const items = [...spaced(40, 40, "T A X  P O I N T :"), item(200, 40, "03/11/2026")];
    expect(joinLetterSpacedItems(items).map((i) => i.text)).toEqual(["TAX POINT:", "03/11/2026"]);
  });

  it("a last letter printed in one item with the value after it goes to the label", () => {
    const items = [...spaced(40, 40, "P E R I O"), item(40 + 10 * CHAR, 40, "D October 2026")];
    expect(joinLetterSpacedItems(items).map((i) => i.text)).toEqual(["PERIOD", "October 2026"]);
  });

  it("single letters far apart (a sheet's column letters) and digits are left as printed", () => {
    const letters = [item(40, 20, "A"), item(90, 20, "B"), item(150, 20, "C"), item(210, 20, "D")];
    expect(joinLetterSpacedItems(letters).map((i) => i.text)).toEqual(["A", "B", "C", "D"]);
    const digits = [item(40, 20, "1"), item(40 + 2 * CHAR, 20, "2"), item(40 + 4 * CHAR, 20, "3")];
    expect(joinLetterSpacedItems(digits).map((i) => i.text)).toEqual(["1", "2", "3"]);
  });

  it("an invoice whose header labels are letter-spaced is read by them", () => {
    const draft = read([
      ...spaced(40, 40, "I N V O I C E  N O :"), item(200, 40, "SSF-2568"),
      ...spaced(40, 55, "T A X  P O I N T :"), item(200, 55, "03/12/2026"),
      item(40, 100, "Child"), item(100, 100, "Description"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "Residential placement fee"), item(300, 115, "30 nights"), item(360, 115, "150.00"), item(440, 115, "4,500.00"),
      item(360, 140, "Total"), item(440, 140, "4,500.00"),
    ]);
    expect([draft.invoiceNumber, draft.invoiceDate]).toEqual(["SSF-2568", "2026-12-03"]);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([["C6001", "4500.00"]]);
  });
});

describe("statement blocks of two references an HTML page set one space apart", () => {
  it("\"C2001 PL-3001\" is two unlabelled references for the lines below, each uncertain until the reference data places it", () => {
    const draft = read([
      item(40, 40, "Invoice No INV-7"), item(40, 55, "Invoice Date 04/12/2026"),
      item(40, 100, "Service"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 118, "C2001 PL-3001"),
      item(40, 133, "Foster care fee – standard"), item(300, 133, "30 nights"), item(360, 133, "150.00"), item(440, 133, "4,500.00"),
      item(40, 151, "C2002 PL-3002"),
      item(40, 166, "Residential placement fee"), item(300, 166, "30 nights"), item(360, 166, "130.00"), item(440, 166, "3,900.00"),
      item(360, 190, "Total"), item(440, 190, "8,400.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      [null, null, "Foster care fee – standard", "4500.00"],
      [null, null, "Residential placement fee", "3900.00"],
    ]);
    expect(draft.uncertain.map((u) => `${u.field} ${u.candidates[0]}`)).toEqual(["line 1 childRef C2001", "line 1 childRef PL-3001", "line 2 childRef C2002", "line 2 childRef PL-3002"]);
  });

  it("a description of ordinary words is not taken for references", () => {
    const draft = read([
      item(40, 40, "Invoice No INV-7"), item(40, 55, "Invoice Date 04/12/2026"),
      item(40, 100, "Service"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 118, "Foster care"),
      item(40, 133, "Standard fee"), item(300, 133, "30 nights"), item(360, 133, "150.00"), item(440, 133, "4,500.00"),
      item(360, 160, "Total"), item(440, 160, "4,500.00"),
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a credit note titled in two languages", () => {
  it("\"Nodyn Credyd / Credit Note\" says it is a credit note, and the credited invoice is read by its English half", () => {
    const draft = read([
      item(380, 30, "Nodyn Credyd / Credit Note"),
      item(40, 40, "Rhif Nodyn Credyd / Credit Note No"), item(220, 40, "HSB-CR-5929"),
      item(40, 55, "Dyddiad / Date"), item(220, 55, "06/10/2026"),
      item(40, 70, "Anfoneb a gredydwyd / Invoice Credited"), item(220, 70, "HSB-1084"),
      item(40, 100, "Child"), item(100, 100, "Description"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "C8001"), item(100, 115, "Solo placement supplement"), item(300, 115, "30 nights"), item(360, 115, "160.00"), item(440, 115, "4,800.00"),
      item(360, 140, "Cyfanswm / Total"), item(440, 140, "4,800.00"),
    ]);
    expect([draft.kind, draft.invoiceNumber, draft.creditsInvoice]).toEqual(["credit_note", "HSB-CR-5929", "HSB-1084"]);
  });
});

describe("an amount whose thousands a space groups, reaching left under the rate", () => {
  it("\"3 750.00\" right-aligned under a narrow heading is one amount, not a rate's '3' and 750.00", () => {
    const draft = read([
      item(40, 40, "Invoice No INV-8"), item(40, 55, "Invoice Date 04/12/2026"),
      item(40, 100, "Child"), item(100, 100, "Description"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Net"),
      item(40, 115, "C7001"), item(100, 115, "Residential placement fee"), item(300, 115, "30 nights"), item(360, 115, "125.00"), item(454 - 8 * CHAR, 115, "3 750.00"),
      item(360, 140, "Total"), item(454 - 9 * CHAR, 140, "£3 750.00"),
    ]);
    expect(draft.lines.map((l) => [l.quantity?.toFixed(2), l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([["30.00", "125.00", "3750.00"]]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a header value wrapped in its cell", () => {
  const page = (below: ReturnType<typeof item>[]) =>
    read([
      item(40, 40, "Our Ref:"), item(140, 40, "BFC-7800"),
      item(40, 52, "Invoice Date:"), item(140, 52, "4 Dec 2026"),
      item(40, 64, "Period Covered:"), item(140, 64, "1 Nov 2026 – 30 Nov"),
      ...below,
      item(40, 110, "Child"), item(100, 110, "Description"), item(300, 110, "Qty"), item(360, 110, "Rate"), item(440, 110, "Amount"),
      item(40, 125, "C1001"), item(100, 125, "Weekly placement fee"), item(300, 125, "4.2857 weeks"), item(360, 125, "700.00"), item(440, 125, "3,000.00"),
      item(360, 150, "Total"), item(440, 150, "3,000.00"),
    ]);

  it("\"1 Nov 2026 – 30 Nov\" over \"2026\" at the value's left is one period", () => {
    expect([page([item(140, 76, "2026")]).periodFrom, page([item(140, 76, "2026")]).periodTo]).toEqual(["2026-11-01", "2026-11-30"]);
  });

  it("a row that prints something under the label is the next fact, never the value's rest", () => {
    const draft = page([item(40, 76, "Account:"), item(140, 76, "2026")]);
    expect([draft.periodFrom, draft.periodTo]).toEqual([null, null]);
  });
});

describe("a labelled record cut by a page break", () => {
  const record = (top: number, child: string, rest: "all" | "head" | "tail"): PositionedText[] => {
    const head = [item(40, top, "Child:"), item(130, top, child), item(40, top + 12, "PO:"), item(130, top + 12, "PO-440504")];
    const t = rest === "tail" ? top : top + 24;
    const tail = [
      item(40, t, "Details:"), item(130, t, "Core support package"),
      item(40, t + 12, "Period:"), item(130, t + 12, "01/10/2026 – 07/10/2026"),
      item(40, t + 24, "Quantity:"), item(130, t + 24, "1 week"),
      item(40, t + 36, "Rate:"), item(130, t + 36, "£300.00 per week"),
      item(40, t + 48, "Amount:"), item(130, t + 48, "£300.00"),
    ];
    return rest === "all" ? [...head, ...tail] : rest === "head" ? head : tail;
  };
  const onPage = (page: number, items: PositionedText[]) => rowsFromItems(items, page);

  it("its child and placement on one page and the rest on the next are one line, the page number between them not its end", () => {
    const first = onPage(1, [item(40, 40, "Invoice No CED-1"), item(40, 55, "Invoice Date 04/12/2026"), ...record(100, "C4003", "all"), ...record(780, "C4004", "head"), item(280, 815, "Page 1 of 2")]);
    const second = onPage(2, [...record(40, "C4004", "tail"), item(360, 120, "Total"), item(440, 120, "600.00")]);
    const draft = extractInvoice({ format: "pdf", pageCount: 2, pageHeights: [842, 842], rows: [...first, ...second], notes: [] });
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["C4003", "PO-440504", "Core support package", "300.00"],
      ["C4004", "PO-440504", "Core support package", "300.00"],
    ]);
  });
});
