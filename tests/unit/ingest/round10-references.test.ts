import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { readChildCell } from "../../../src/ingest/extract/child-cell.js";

/**
 * Round 10 of the reader (issue 16): the child's column and the references around it. A child's
 * reference printed in one cell with initials or a name; a code column (cost centre, budget or GL
 * code) beside the child's, whose wrapped heading must still make it a column of its own; a
 * plain-text statement's rules, order labels and blocks. Each page drawn item by item, with other
 * words than the files the round was tuned on; expected values read off the page by hand.
 */

const facts = [item(40, 40, "Invoice No INV-10"), item(40, 55, "Invoice Date 05/01/2027")];

describe("a child's reference inside a cell with a name or initials", () => {
  const page = [
    ...facts,
    item(40, 100, "Young Person"), item(150, 100, "Details"), item(330, 100, "Nights"), item(390, 100, "Rate"), item(460, 100, "Line Total"),
    item(40, 120, "C2002 (J.S.)"), item(150, 120, "Respite care"), item(330, 120, "7"), item(390, 120, "95.00"), item(460, 120, "665.00"),
    item(40, 135, "Priya K. [C2003]"), item(150, 135, "Residential care"), item(330, 135, "31"), item(390, 135, "400.00"), item(460, 135, "12,400.00"),
    item(40, 150, "B.K. C2004"), item(150, 150, "Day placement"), item(330, 150, "5"), item(390, 150, "60.00"), item(460, 150, "300.00"),
    item(390, 180, "Total"), item(460, 180, "13,365.00"),
  ];

  it("reads only the reference, and notes the cells it read it from", () => {
    const draft = read(page);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([
      ["C2002", "665.00"],
      ["C2003", "12400.00"],
      ["C2004", "300.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
    expect(draft.notes.join(" ")).toContain('"Priya K. [C2003]"');
  });

  it("never guesses between two words with a reference's shape, nor a reference among words no name has", () => {
    expect(readChildCell("7710 C2005")).toEqual({ kind: "doubt", printed: "7710 C2005", candidates: ["7710", "C2005"] });
    expect(readChildCell("C2005 / PO-1")).toMatchObject({ kind: "doubt", candidates: ["C2005", "PO-1"] });
    expect(readChildCell("GL C2005")).toMatchObject({ kind: "doubt", candidates: ["C2005"] });
    // A reference alone, or a name with no reference, is left as printed.
    expect(readChildCell("YP-2231")).toEqual({ kind: "reference", reference: "YP-2231" });
    expect(readChildCell("Sam O'Neil – YP-2231")).toEqual({ kind: "within", reference: "YP-2231", printed: "Sam O'Neil – YP-2231" });
  });
});

describe("a code column beside the child's", () => {
  const lines = [
    item(40, 130, "4410-EDU"), item(100, 130, "C2001"), item(160, 130, "Education support"), item(330, 130, "10"), item(390, 130, "30.00"), item(460, 130, "300.00"),
    item(40, 150, "4420-HLT"), item(100, 150, "C2006"), item(160, 150, "Therapy"), item(330, 150, "4"), item(390, 150, "55.00"), item(460, 150, "220.00"),
    item(390, 180, "Total Due"), item(460, 180, "520.00"),
  ];

  it("a heading wrapped above and below the others ('Budget' / 'Code') heads a column of its own: its codes are not the child's", () => {
    const draft = read([
      ...facts,
      item(40, 94, "Budget"),
      item(100, 100, "Child"), item(160, 100, "Service"), item(330, 100, "Hours"), item(390, 100, "Rate"), item(460, 100, "Amount"),
      item(40, 106, "Code"),
      ...lines,
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["C2001", "Education support", "300.00"],
      ["C2006", "Therapy", "220.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("with no heading over the codes at all, the child's cell that took them is uncertain, never stored as one reference", () => {
    const draft = read([
      ...facts,
      item(100, 100, "Child"), item(160, 100, "Service"), item(330, 100, "Hours"), item(390, 100, "Rate"), item(460, 100, "Amount"),
      ...lines,
    ]);
    expect(draft.uncertain.map((u) => `${u.field}: ${u.candidates.join(", ")}`)).toEqual(["line 1 childRef: 4410-EDU, C2001", "line 2 childRef: 4420-HLT, C2006"]);
  });
});

describe("a plain-text system's statement", () => {
  // Courier-like: every character 4.5 pt wide, words apart as a fixed-pitch printer sets them.
  const page = [
    item(30, 40, "INVOICE NO : LT-2207"), item(250, 40, "INVOICE DATE : 04/01/27"),
    item(30, 52, "TO"), item(80, 52, ":"), item(95, 52, "NORTH DOWNS COUNCIL,"), item(200, 52, "LEAVING CARE TEAM"),
    item(30, 64, "=".repeat(100)),
    item(30, 76, "START"), item(85, 76, "END"), item(140, 76, "DETAILS"), item(330, 76, "QTY"), item(370, 76, "UNIT"), item(420, 76, "PRICE"), item(480, 76, "LINE TOTAL"),
    item(30, 88, "-".repeat(100)),
    item(30, 100, "YP REF: C3001"), item(140, 100, "YOUR ORDER: PO-520001"),
    item(30, 112, "01/12/26"), item(85, 112, "07/12/26"), item(140, 112, "MENTORING"), item(330, 112, "4.00"), item(370, 112, "HRS"), item(420, 112, "21.00"), item(480, 112, "84.00"),
    item(30, 124, "08/12/26"), item(85, 124, "14/12/26"), item(140, 124, "MENTORING"), item(330, 124, "3.00"), item(370, 124, "HRS"), item(420, 124, "21.00"), item(480, 124, "63.00"),
    item(30, 136, "-".repeat(100)),
    item(400, 150, "TOTAL DUE"), item(480, 150, "147.00"),
  ];

  it("rules are neither headings nor a line's cells, and 'YOUR ORDER: PO-520001' is the whole placement reference", () => {
    const draft = read(page);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.amount?.toFixed(2)])).toEqual([
      ["C3001", "PO-520001", "MENTORING", "2026-12-01", "2026-12-07", "4.00", "hour", "84.00"],
      ["C3001", "PO-520001", "MENTORING", "2026-12-08", "2026-12-14", "3.00", "hour", "63.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("notes printed between item lines", () => {
  const page = [
    ...facts,
    item(40, 100, "Child ID"), item(110, 100, "PO Number"), item(200, 100, "Description"), item(340, 100, "Days"), item(390, 100, "Rate"), item(460, 100, "Total"),
    item(40, 120, "C2101"), item(110, 120, "PO-530101"), item(200, 120, "Day care"), item(340, 120, "20"), item(390, 120, "45.00"), item(460, 120, "900.00"),
    item(110, 132, "Please note: the placement was paused for two days at half term."),
    item(40, 150, "C2102"), item(110, 150, "PO-530102"), item(200, 150, "Day care"), item(340, 150, "18"), item(390, 150, "45.00"), item(460, 150, "810.00"),
    item(200, 162, "Comment: transport is billed separately by the council."),
    item(40, 180, "C2103"), item(110, 180, "PO-530103"), item(200, 180, "Day care"), item(340, 180, "20"), item(390, 180, "45.00"), item(460, 180, "900.00"),
    item(390, 210, "Total Due"), item(460, 210, "2,610.00"),
  ];

  it("are neither lines nor words of the line before or after", () => {
    const draft = read(page);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["C2101", "PO-530101", "Day care", "900.00"],
      ["C2102", "PO-530102", "Day care", "810.00"],
      ["C2103", "PO-530103", "Day care", "900.00"],
    ]);
  });
});
