import { describe, expect, it } from "vitest";
import { decodeText, decodeTextDetailed } from "../../../src/tabular/decode-text.js";
import { detectDelimiter, readCsv } from "../../../src/tabular/csv.js";

describe("decodeText", () => {
  it("UTF-8 with a BOM: the BOM is removed", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("child_ref,£\n", "utf8")]);
    expect(decodeTextDetailed(bytes)).toEqual({ text: "child_ref,£\n", encoding: "utf-8", bom: true });
  });

  it("UTF-8 without a BOM", () => {
    expect(decodeTextDetailed(Buffer.from([0xc2, 0xa3, 0x31]))).toEqual({ text: "£1", encoding: "utf-8", bom: false });
  });

  it("Windows-1252 when the bytes are not UTF-8: £ is 0xA3, € is 0x80", () => {
    expect(decodeTextDetailed(Buffer.from([0xa3, 0x39, 0x31, 0x32, 0x2c, 0x80, 0x35]))).toEqual({ text: "£912,€5", encoding: "windows-1252", bom: false });
  });

  it("UTF-16 little and big endian, with a BOM", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a,£", "utf16le")]);
    expect(decodeTextDetailed(le)).toEqual({ text: "a,£", encoding: "utf-16le", bom: true });
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x61, 0x00, 0x2c, 0x00, 0xa3]);
    expect(decodeTextDetailed(be)).toEqual({ text: "a,£", encoding: "utf-16be", bom: true });
  });

  it("UTF-16 LE without a BOM, recognised by its zero bytes", () => {
    expect(decodeText(Buffer.from("placement_id,child_ref\r\nP1,C1\r\n", "utf16le"))).toBe("placement_id,child_ref\r\nP1,C1\r\n");
  });
});

describe("readCsv", () => {
  it("comma, with quotes holding commas, doubled quotes and line breaks", () => {
    const text = 'a,b,c\n"1,5","say ""hi""","two\nlines"\n';
    expect(readCsv(text)).toEqual([["a", "b", "c"], ["1,5", 'say "hi"', "two\nlines"]]);
  });

  it("semicolon files with decimal commas choose the semicolon", () => {
    const text = "placement_id;weekly_fee;start_date\nP1;912,50;01/10/2026\nP2;1.234,00;02/10/2026\n";
    expect(detectDelimiter(text)).toBe(";");
    expect(readCsv(Buffer.from(text, "latin1"))[1]).toEqual(["P1", "912,50", "01/10/2026"]);
  });

  it("tab separated", () => {
    expect(readCsv("a\tb\n1\t2,5\n")).toEqual([["a", "b"], ["1", "2,5"]]);
  });

  it("keeps blank lines as rows, so rows keep their spreadsheet numbers", () => {
    expect(readCsv("h1,h2\n\n1,2\r\n")).toEqual([["h1", "h2"], [""], ["1", "2"]]);
  });

  it("a Windows-1252 file with a £ and a UTF-8 file with a BOM read the same", () => {
    const cp1252 = Buffer.from([...Buffer.from("fee\n"), 0xa3, ...Buffer.from("912.50\n")]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("fee\n£912.50\n", "utf8")]);
    expect(readCsv(cp1252)).toEqual([["fee"], ["£912.50"]]);
    expect(readCsv(bom)).toEqual([["fee"], ["£912.50"]]);
  });

  it("a stray quote inside a cell is content; an unclosed quoted cell is a coded error", () => {
    expect(readCsv('a,b\n5" screen,2\n')).toEqual([["a", "b"], ['5" screen', "2"]]);
    expect(() => readCsv('a,b\n"open,2\n')).toThrow(expect.objectContaining({ code: "csv.invalid" }));
  });

  it("an empty file has no rows", () => {
    expect(readCsv(Buffer.from(""))).toEqual([]);
    expect(readCsv(Buffer.from([0xef, 0xbb, 0xbf]))).toEqual([]);
  });
});
