import { describe, expect, it } from "vitest";
import { cleanFileName, hasControlCharacter, safeCellText } from "../../../src/domain/text-hygiene.js";

describe("safeCellText (the one formula-injection guard for CSV and XLSX)", () => {
  it("prefixes text that a spreadsheet could take for a formula, whatever its leading character's form", () => {
    const dangerous = ["=1+2", "+44 20", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =cmd|' /C calc'!A0", "＝1+2", "＋1", "－1+1", "＠x", "﹦1", "﹢1", "﹣1", "−1+1", "\u00a0@x", "\u202e=1", "\u200b=1"];
    for (const text of dangerous) expect(safeCellText(text), JSON.stringify(text)).toBe(`'${text}`);
  });

  it("leaves ordinary text and plain numbers alone", () => {
    for (const ordinary of ["Oakfield Fostering", "OF-1001", "C1001", "a = b", "£10.00", "", "Total - 2026", "-10", "-12.50", "4061.00"]) {
      expect(safeCellText(ordinary)).toBe(ordinary);
    }
    expect(safeCellText(null)).toBe("");
    expect(safeCellText(undefined)).toBe("");
  });

  it("drops characters an xlsx file cannot hold", () => {
    expect(safeCellText("a\u0000b\u0007c\u001fd")).toBe("abcd");
    expect(safeCellText("line\nbreak\ttab")).toBe("line\nbreak\ttab");
    expect(safeCellText("x\ud800y")).toBe("xy");
    expect(safeCellText("😀")).toBe("😀");
    expect(safeCellText("\u0000=1")).toBe("'=1");
  });
});

describe("control and format characters", () => {
  it("finds C0 (but tab, LF, CR), DEL and C1 controls", () => {
    for (const bad of ["a\u0000b", "\u0007", "x\u007f", "\u0085", "\u001b[31m"]) expect(hasControlCharacter(bad), JSON.stringify(bad)).toBe(true);
    for (const ok of ["plain", "two\nlines\r\n", "tab\there", "£ é ＝ 😀"]) expect(hasControlCharacter(ok)).toBe(false);
  });

  it("strips bidi overrides, zero-width and control characters from file names, and any path", () => {
    expect(cleanFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(cleanFileName("in\u2066voice\u2069\u200b.pdf")).toBe("invoice.pdf");
    expect(cleanFileName("a\u0000b\u0007.xlsx")).toBe("ab.xlsx");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("C:\\Users\\x\\March.pdf")).toBe("March.pdf");
    expect(cleanFileName("\u202e")).toBe("file");
    expect(cleanFileName("Oakfield – March 2026.pdf")).toBe("Oakfield – March 2026.pdf");
  });
});
