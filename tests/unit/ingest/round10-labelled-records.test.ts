import { describe, expect, it } from "vitest";
import { CHAR, SIZE, item, read } from "../../support/drawn-page.js";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { joinLetterSpacedItems, rowsFromItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { columnFieldOf } from "../../../src/ingest/text/labels.js";

/**
 * Round 10 of the reader (issue 16), the variant generator's seeds 10 and 11: items printed as
 * records of labelled values one to a row, each label in print a little smaller than its value,
 * the records set close enough that a record's last row ("Line total:  £900.00") stands where an
 * item block's title would, with the next record's first row just under it. Drawn here with other
 * labels and sizes than the generator's; the expected values are what the page prints.
 */

const facts = [item(40, 40, "Invoice No INV-31"), item(40, 55, "Invoice Date 02/12/2026")];

/** A label in print `smaller` points under its value's, the value at x = 130. */
function pair(top: number, label: string, value: string, smaller: number): PositionedText[] {
  return [{ ...item(40, top, label), height: SIZE - smaller }, item(130, top, value)];
}

/** One record: six labelled rows 11 pt apart, the last its amount. */
function record(top: number, child: string, service: string, nights: string, price: string, total: string, smaller: number): PositionedText[] {
  const rows: Array<[string, string]> = [["Child:", child], ["Service:", service], ["Dates:", "01/11/2026 - 30/11/2026"], ["Nights:", nights], ["Unit price:", price], ["Line total:", total]];
  return rows.flatMap(([label, value], k) => pair(top + 11 * k, label, value, smaller));
}

const expected = [
  ["C5101", "Respite care", "2026-11-01", "2026-11-30", "4.00", "120.00", "480.00"],
  ["C5102", "Solo placement", "2026-11-01", "2026-11-30", "30.00", "310.00", "9300.00"],
];

describe("records of labelled values set close together", () => {
  it.each([0.5, 1, 0])("each record is one line, its last row not taken for the next record's title (label %s pt smaller)", (smaller) => {
    const draft = read([
      ...facts,
      ...record(100, "C5101", "Respite care", "4 nights", "£120.00", "£480.00", smaller),
      ...record(172, "C5102", "Solo placement", "30 nights", "£310.00", "£9,300.00", smaller),
      item(360, 250, "Total"), item(440, 250, "£9,780.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual(expected);
    expect(draft.uncertain).toEqual([]);
  });

  it("a row of column headings with no line under it (repeated over the totals on the last page) does not hide the records", () => {
    const draft = read([
      ...facts,
      ...record(100, "C5101", "Respite care", "4 nights", "£120.00", "£480.00", 0.5),
      ...record(172, "C5102", "Solo placement", "30 nights", "£310.00", "£9,300.00", 0.5),
      item(40, 260, "Child"), item(100, 260, "Service"), item(300, 260, "Nights"), item(360, 260, "Price"), item(440, 260, "Cost"),
      item(360, 280, "Total"), item(440, 280, "£9,780.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual(expected);
  });

  it("an item block's title is still read when its words are not a label (\"Respite care\" over its details)", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Respite care"), item(440, 100, "£480.00"),
      { ...item(40, 111, "Child: C5101   Dates: 01/11/2026 - 30/11/2026   Nights: 4"), height: SIZE - 1 },
      item(40, 130, "Solo placement"), item(440, 130, "£9,300.00"),
      { ...item(40, 141, "Child: C5102   Dates: 01/11/2026 - 30/11/2026   Nights: 30"), height: SIZE - 1 },
      item(360, 170, "Total"), item(440, 170, "£9,780.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.quantity?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C5101", "Respite care", "4.00", "480.00"],
      ["C5102", "Solo placement", "30.00", "9300.00"],
    ]);
  });
});

describe("text cut by the page's right edge", () => {
  const page = (cut: boolean): ReturnType<typeof extractInvoice> =>
    extractInvoice({
      format: "pdf",
      pageCount: 1,
      pageHeights: [842],
      rows: rowsFromItems(
        [
          ...facts,
          item(40, 100, "Service"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
          item(40, 115, "Respite care"), item(300, 115, "4 nights"), item(360, 115, "120.00"), item(440, 115, "480.00"),
          item(360, 140, "Total"), item(440, 140, "480.00"),
        ],
        1,
      ),
      notes: [],
      ...(cut ? { cutAtEdge: [{ page: 1, top: 55, text: "B" }] } : {}),
    });

  it("with no billing period read, the period is uncertain: it may be what the edge cut off", () => {
    expect(page(true).periodFrom).toBeNull();
    expect(page(true).uncertain.map((u) => u.field)).toEqual(["period"]);
  });

  it("with nothing cut, no period printed is no period, and nothing is uncertain", () => {
    expect(page(false).uncertain).toEqual([]);
  });
});

describe("column headings in two languages", () => {
  it("\"Plentyn / Child\", \"Gwasanaeth / Service\", \"Nifer / Qty\", \"Cyfradd / Rate\", \"Swm / Amount\" name the columns their English halves name", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Plentyn / Child"), item(130, 100, "Gwasanaeth / Service"), item(300, 100, "Nifer / Qty"), item(370, 100, "Cyfradd / Rate"), item(450, 100, "Swm / Amount"),
      item(40, 115, "C5101"), item(130, 115, "Respite care"), item(300, 115, "4 nights"), item(370, 115, "120.00"), item(450, 115, "480.00"),
      item(40, 130, "C5102"), item(130, 130, "Solo placement"), item(300, 130, "30 nights"), item(370, 130, "310.00"), item(450, 130, "9,300.00"),
      item(370, 150, "Total"), item(450, 150, "9,780.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.quantity?.toFixed(2), l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C5101", "Respite care", "4.00", "120.00", "480.00"],
      ["C5102", "Solo placement", "30.00", "310.00", "9300.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("alternatives that name two fields (\"Qty / Rate\") still name none: not a translation", () => {
    expect(["Nifer / Qty", "Gwasanaeth / Service", "Qty / Rate", "Child / Rate", "Hrs/Qty"].map((h) => columnFieldOf(h, new Map()))).toEqual(["quantity", "description", null, null, "quantity"]);
  });
});

describe("letter-spaced labels side by side", () => {
  /** `text` drawn one character at a time at one pitch (a constant-width font letter-spaced), from `x`. */
  const spaced = (x: number, top: number, text: string): PositionedText[] => [...text].flatMap((c, k) => (c === " " ? [] : [item(x + k * CHAR, top, c)]));

  it("a colon ends a label, however narrow the gap to the next: \"ACCOUNT REF:\" and \"TAX POINT:\" stay two", () => {
    const first = "A C C O U N T  R E F :";
    const second = (first.length - 1 + 3.5) * CHAR;
    const items = [...spaced(40, 40, first), ...spaced(40 + second, 40, "T A X  P O I N T :")];
    expect(joinLetterSpacedItems(items).map((i) => i.text)).toEqual(["ACCOUNT REF:", "TAX POINT:"]);
  });

  it("an invoice whose letter-spaced labels stand in one row over their values is read by them", () => {
    const labels = "B I L L  N O :";
    const dateAt = 40 + (labels.length - 1 + 3.5) * CHAR;
    const draft = read([
      ...spaced(40, 40, labels), ...spaced(dateAt, 40, "T A X  P O I N T :"),
      item(40, 52, "NPC-5120"), item(dateAt, 52, "03 Dec 2026"),
      item(40, 100, "Child"), item(100, 100, "Description"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "Residential placement fee"), item(300, 115, "30 nights"), item(360, 115, "150.00"), item(440, 115, "4,500.00"),
      item(360, 140, "Total"), item(440, 140, "4,500.00"),
    ]);
    expect([draft.invoiceNumber, draft.invoiceDate]).toEqual(["NPC-5120", "2026-12-03"]);
  });
});
