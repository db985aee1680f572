import { describe, expect, it } from "vitest";
import { toCsv } from "../../../src/cli/output.js";
import { safeCellText as neutraliseFormula } from "../../../src/domain/text-hygiene.js";

// The findings and invoices commands write CSV through toCsv: text from outside data (provider
// ids, invoice numbers, descriptions) must never open as a formula in a spreadsheet.
describe("CSV output", () => {
  it.each(["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "＝HYPERLINK(1)", "\u202e=1", "﹦1", "−1+2"])("neutralises %j with a leading apostrophe", (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it("leaves plain numbers, negative amounts included, as numbers", () => {
    expect(neutraliseFormula("-10.00")).toBe("-10.00");
    expect(neutraliseFormula("4061.00")).toBe("4061.00");
  });

  it("quotes commas, quotes and line breaks, and neutralises inside the quoting", () => {
    const csv = toCsv(["provider_id", "invoice_number", "explanation"], [{ provider_id: "=cmd|' /C calc'!A0", invoice_number: "INV,1", explanation: 'Said "no"\nthen yes' }]);
    expect(csv).toBe(`provider_id,invoice_number,explanation\r\n'=cmd|' /C calc'!A0,"INV,1","Said ""no""\nthen yes"\r\n`);
  });
});
