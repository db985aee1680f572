import { describe, expect, it } from "vitest";
import { readCsv } from "../../../src/tabular/csv.js";

describe("CSV habits of Excel users", () => {
  it('a ="…" cell (how exports keep leading zeros for Excel) is the text Excel shows', () => {
    expect(readCsv('child_ref,po\r\n="004711","=""PO-42"""\r\n="say ""hi""",x\r\n')).toEqual([
      ["child_ref", "po"],
      ["004711", "PO-42"],
      ['say "hi"', "x"],
    ]);
  });

  it("anything more than one string literal is left as written", () => {
    expect(readCsv('a\r\n="a"&"b"\r\n=SUM(A1:A2)\r\n=""\r\n')).toEqual([["a"], ['="a"&"b"'], ["=SUM(A1:A2)"], [""]]);
  });

  it('a "sep=;" first line names the delimiter and is not a row (Excel does not show it)', () => {
    expect(readCsv("sep=;\r\nInvoice No;OFP-1\r\nAmount;1,50\r\n")).toEqual([
      ["Invoice No", "OFP-1"],
      ["Amount", "1,50"],
    ]);
    expect(readCsv("SEP=,\nx,y\n")).toEqual([["x", "y"]]);
  });
});
