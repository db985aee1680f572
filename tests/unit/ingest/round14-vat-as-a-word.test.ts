import { describe, expect, it } from "vitest";
import { parseHeaderValue, statesNoVatAmount } from "../../../src/ingest/extract/header-fields.js";
import { Dec } from "../../../src/domain/money.js";
import { emptyConfig } from "../../../src/ingest/extract/config.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 14 of the reader (issue 16): the twelfth set's rst2pdf invoice printed its VAT row as
 * "VAT" and the word "exempt" where the figure goes. The document prints no VAT amount, so the
 * invoice's VAT is none (null), as "VAT - EXEMPT SUPPLY" already reads; never a 0.00 the page does
 * not print. A printed "£0.00" stays 0.00. Drawn here with other words for "none".
 */
function withVatRow(label: string, figure: string | null): ReturnType<typeof read> {
  return read([
    item(40, 40, "Invoice No VX-3301"), item(40, 55, "Invoice Date 01/12/2026"),
    item(30, 100, "Child"), item(110, 100, "Service"), item(330, 100, "Nights"), item(390, 100, "Rate"), item(460, 100, "Amount"),
    item(30, 118, "K-8801"), item(110, 118, "Foster care"), item(340, 118, "30"), item(390, 118, "110.00"), item(460, 118, "3,300.00"),
    item(330, 150, "Net total"), item(460, 150, "3,300.00"),
    item(330, 162, label), ...(figure === null ? [] : [item(460, 162, figure)]),
    item(330, 174, "Total due"), item(460, 174, "3,300.00"),
  ]);
}

describe("a VAT row that prints a word for its amount", () => {
  it.each([["exempt"], ["Exempt"], ["N/A"], ["nil"], ["None"], ["-"], ["–"], ["£ –"], ["Not applicable"], ["Zero-rated"]])("'VAT' then '%s' is no VAT amount: null", (word) => {
    const draft = withVatRow("VAT", word);
    expect(draft.subtotal?.toFixed(2)).toBe("3300.00");
    expect(draft.total?.toFixed(2)).toBe("3300.00");
    expect(draft.vat).toBeNull();
  });

  it("a printed nil figure stays 0.00, with or without the treatment beside the label", () => {
    expect(withVatRow("VAT", "£0.00").vat?.toFixed(2)).toBe("0.00");
    expect(withVatRow("VAT exempt", "0.00").vat?.toFixed(2)).toBe("0.00");
    expect(withVatRow("VAT (nil rated)", "0.00").vat?.toFixed(2)).toBe("0.00");
    expect(withVatRow("VAT @ 0%", "0.00").vat?.toFixed(2)).toBe("0.00");
    // The treatment as a cell of its own between the label and the figure.
    const apart = read([
      item(40, 40, "Invoice No VX-3303"), item(40, 55, "Invoice Date 01/12/2026"),
      item(30, 100, "Child"), item(110, 100, "Service"), item(330, 100, "Nights"), item(390, 100, "Rate"), item(460, 100, "Amount"),
      item(30, 118, "K-8801"), item(110, 118, "Foster care"), item(340, 118, "30"), item(390, 118, "110.00"), item(460, 118, "3,300.00"),
      item(300, 150, "Net total"), item(460, 150, "3,300.00"),
      item(300, 162, "VAT"), item(390, 162, "exempt"), item(460, 162, "0.00"),
      item(300, 174, "Total due"), item(460, 174, "3,300.00"),
    ]);
    expect(apart.vat?.toFixed(2)).toBe("0.00");
  });

  it("the treatment beside the label and no figure is no VAT amount either", () => {
    const draft = withVatRow("VAT exempt", null);
    expect(draft.vat).toBeNull();
    expect(draft.total?.toFixed(2)).toBe("3300.00");
  });

  it("a VAT label in the header block with a word for its amount is no candidate, and no figure further off is taken for it", () => {
    const draft = read([
      item(40, 40, "Invoice No VX-3302"), item(40, 55, "Invoice Date 01/12/2026"),
      item(300, 40, "VAT:"), item(360, 40, "N/A"),
      item(300, 52, "Amount due: 3,300.00"),
      item(30, 100, "Child"), item(110, 100, "Service"), item(330, 100, "Nights"), item(390, 100, "Rate"), item(460, 100, "Amount"),
      item(30, 118, "K-8801"), item(110, 118, "Foster care"), item(340, 118, "30"), item(390, 118, "110.00"), item(460, 118, "3,300.00"),
    ]);
    expect(draft.vat).toBeNull();
  });

  it("reads the words as no amount, and a figure written as a number as that number", () => {
    for (const word of ["exempt", "EXEMPT", "n/a", "nil", "none", "-", "—", "not applicable", "zero rated", "(exempt)", "outside the scope"]) {
      expect(statesNoVatAmount(word)).toBe(true);
      expect(parseHeaderValue("vat", word, undefined, emptyConfig())).toBeNull();
    }
    for (const figure of ["0.00", "£0.00", "£ 0.00", "12.50"]) expect(statesNoVatAmount(figure)).toBe(false);
    const printed = parseHeaderValue("vat", "£0.00", undefined, emptyConfig());
    expect(printed instanceof Dec && printed.toFixed(2)).toBe("0.00");
  });
});
