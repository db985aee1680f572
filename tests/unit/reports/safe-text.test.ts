import { describe, expect, it } from "vitest";
import { safeText } from "../../../src/reports/safe-text.js";

describe("safeText", () => {
  it("prefixes text that a spreadsheet could take for a formula", () => {
    for (const dangerous of ["=1+2", "+44 20", "-10", "@SUM(A1)", "\t=1", "\r=1", "  =cmd|' /C calc'!A0", "＝1+2", "\u00a0@x"]) {
      expect(safeText(dangerous), JSON.stringify(dangerous)).toBe(`'${dangerous}`);
    }
  });

  it("leaves ordinary text alone", () => {
    for (const ordinary of ["Oakfield Fostering", "OF-1001", "C1001", "a = b", "£10.00", "", "Total - 2026"]) {
      expect(safeText(ordinary)).toBe(ordinary);
    }
    expect(safeText(null)).toBe("");
    expect(safeText(undefined)).toBe("");
  });

  it("drops characters an xlsx file cannot hold", () => {
    expect(safeText("a\u0000b\u0007c\u001fd")).toBe("abcd");
    expect(safeText("line\nbreak\ttab")).toBe("line\nbreak\ttab");
    expect(safeText("x\ud800y")).toBe("xy");
    expect(safeText("😀")).toBe("😀");
    expect(safeText("\u0000=1")).toBe("'=1");
  });
});
