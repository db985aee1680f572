import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { parsePeriodText } from "../../../src/ingest/text/values.js";
import type { PositionedText } from "../../../src/ingest/readers/pdf-layout.js";

/**
 * Round 10 of the reader (issue 16), part M: classes the eighth held-out set showed in a
 * monospaced credit note and a printed spreadsheet, drawn here with other words and figures.
 * Expected values are worked out by hand from what the page prints and DATA.md.
 */

describe("a monospaced credit note whose heading of several words is drawn word by word", () => {
  // Courier 9 pt: 5.4 pt a character, and a space as wide; every word drawn as its own item.
  const mono = (x: number, top: number, text: string): PositionedText => item(x, top, text, text.length * 5.4);
  /** Draws a phrase word by word, a space apart, from x. */
  const words = (x: number, top: number, phrase: string): PositionedText[] => {
    let at = x;
    return phrase.split(" ").map((word) => {
      const drawn = mono(at, top, word);
      at += (word.length + 1) * 5.4;
      return drawn;
    });
  };
  const page = [
    mono(36, 20, "CREDIT NOTE"),
    ...words(36, 40, "CREDIT NOTE NO"), mono(130, 40, ": OFP-CR-77"),
    mono(36, 52, "DATE"), mono(130, 52, ": 3-Dec-26"),
    ...words(36, 64, "ORIGINAL INVOICE"), mono(130, 64, ": OFP-1201"),
    // "DETAILS OF CREDIT" is the description; the "CREDIT" at the right is the amount.
    ...words(36, 90, "YOUNG PERSON"), ...words(120, 90, "DETAILS OF CREDIT"), mono(330, 90, "FROM"), mono(390, 90, "TO"), mono(450, 90, "NIGHTS"), mono(500, 90, "PRICE"), mono(570, 90, "CREDIT"),
    mono(36, 105, "C2002"), ...words(120, 105, "FOSTER CARE NOT PROVIDED"), mono(330, 105, "3-Nov-26"), mono(390, 105, "6-Nov-26"), mono(462, 105, "4"), mono(500, 105, "310.00"), mono(540, 105, "1,240.00 GBP"),
    mono(36, 120, "C2001"), ...words(120, 120, "RESPITE OVERCHARGED"), mono(330, 120, "9-Nov-26"), mono(390, 120, "10-Nov-26"), mono(462, 120, "2"), mono(500, 120, "42.50"), mono(556, 120, "85.00 GBP"),
    ...words(400, 145, "TOTAL CREDIT"), mono(540, 145, "1,325.00 GBP"),
  ];

  it("reads the words as one description heading, and the last 'CREDIT' as the amount column", () => {
    const draft = read(page);
    expect(draft.kind).toBe("credit_note");
    expect(draft.creditsInvoice).toBe("OFP-1201");
    // DATA.md "Credit notes": a credit note's amounts may be printed with no sign; they are its
    // credits as printed. 4 × 310.00 = 1,240.00; 2 × 42.50 = 85.00; 1,240.00 + 85.00 = 1,325.00.
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C2002", "FOSTER CARE NOT PROVIDED", "2026-11-03", "2026-11-06", "4.00", "310.00", "1240.00"],
      ["C2001", "RESPITE OVERCHARGED", "2026-11-09", "2026-11-10", "2.00", "42.50", "85.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("1325.00");
    expect(draft.uncertain).toEqual([]);
  });

  it("keeps two headings a space apart as two columns when each names a field alone ('NIGHTS' 'PRICE')", () => {
    const close = page.map((i) => (i.text === "PRICE" && i.top === 90 ? { ...i, x: 450 + 7 * 5.4 } : i));
    const draft = read(close);
    expect(draft.lines.map((l) => l.quantity?.toFixed(2))).toEqual(["4.00", "2.00"]);
  });
});

describe("a spreadsheet printed with a month on every line", () => {
  const facts = [item(40, 40, "Invoice No"), item(120, 40, "SJS-44"), item(40, 55, "Invoice Date"), item(120, 55, "02/11/2026")];
  const sheet = (month: string): PositionedText[] => [
    ...facts,
    item(40, 70, "Service Month"), item(120, 70, month),
    item(40, 100, "Service Month"), item(110, 100, "Child ID"), item(170, 100, "Details"), item(300, 100, "Weeks"), item(350, 100, "Fee (GBP)"), item(420, 100, "Amount (GBP)"),
    item(40, 115, month), item(110, 115, "C7001"), item(170, 115, "Semi-independent"), item(310, 115, "4"), item(350, 115, "1,150.00"), item(420, 115, "4,600.00"),
    item(40, 130, month), item(110, 130, "C7002"), item(170, 130, "Outreach"), item(310, 130, "2"), item(350, 130, "75.50"), item(420, 130, "151.00"),
    item(350, 150, "Total"), item(420, 150, "4,751.00"),
    item(260, 800, "Page 1 of 1"),
  ];

  for (const month of ["10/2026", "2026/10", "2026-10", "Oct-26"]) {
    it(`reads "${month}" as October 2026 under the month heading, not as a page number`, () => {
      const draft = read(sheet(month));
      // 4 × 1,150.00 = 4,600.00; 2 × 75.50 = 151.00; 4,600.00 + 151.00 = 4,751.00.
      expect(draft.lines.map((l) => [l.childRef, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
        ["C7001", "2026-10-01", "2026-10-31", "4.00", "week", "1150.00", "4600.00"],
        ["C7002", "2026-10-01", "2026-10-31", "2.00", "week", "75.50", "151.00"],
      ]);
      expect([draft.periodFrom, draft.periodTo]).toEqual(["2026-10-01", "2026-10-31"]);
      expect(draft.total?.toFixed(2)).toBe("4751.00");
    });
  }

  it("still sets a real page number aside ('2/3' is page 2 of 3)", () => {
    const draft = read([...sheet("10/2026"), item(260, 815, "2/3")]);
    expect(draft.lines).toHaveLength(2);
  });
});

describe("month periods as a spreadsheet prints them", () => {
  it("reads year-first and month-word-and-two-digit-year months whole", () => {
    expect(parsePeriodText("2027/02")).toEqual({ from: "2027-02-01", to: "2027-02-28" });
    expect(parsePeriodText("2028-02")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(parsePeriodText("Sep-26")).toEqual({ from: "2026-09-01", to: "2026-09-30" });
  });

  it("reads no month from a thirteenth month, a day-month-year date, or a word that is no month", () => {
    expect(parsePeriodText("2026/13")).toBeNull();
    expect(parsePeriodText("24-Nov-26")).toBeNull();
    expect(parsePeriodText("Net-26")).toBeNull();
  });
});
