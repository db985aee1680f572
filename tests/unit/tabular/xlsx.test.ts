import zlib from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { checkZipDirectory } from "../../../src/tabular/zip-directory.js";
import { readXlsx } from "../../../src/tabular/xlsx.js";
import { addressCells } from "../../../src/tabular/xlsx-repair.js";

interface Entry {
  name: string;
  data?: Buffer;
  /** What the directory claims, when it should not be the truth. */
  claimCompressed?: number;
  claimUncompressed?: number;
  zip64Uncompressed?: number;
}

/** A zip written byte by byte, so sizes can be claimed without making the data. */
function zip(entries: Entry[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = entry.data ?? Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, data);
    const extra = entry.zip64Uncompressed === undefined ? Buffer.alloc(0) : Buffer.alloc(12);
    if (entry.zip64Uncompressed !== undefined) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(entry.zip64Uncompressed), 4);
    }
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(entry.claimCompressed ?? data.length, 20);
    header.writeUInt32LE(entry.zip64Uncompressed !== undefined ? 0xffffffff : (entry.claimUncompressed ?? data.length), 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt32LE(offset, 42);
    central.push(header, name, extra);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

const MB = 1024 * 1024;

describe("checkZipDirectory", () => {
  it("refuses what is not a zip, and says when it is an old .xls or a protected workbook", () => {
    expect(() => checkZipDirectory(Buffer.from("placement_id,child_ref\n"))).toThrow(expect.objectContaining({ code: "xlsx.not_zip" }));
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(() => checkZipDirectory(ole)).toThrow(/old-style \.xls file or a password-protected workbook/);
  });

  it("refuses more than 200 MB in total, without inflating anything", () => {
    const bytes = zip([
      { name: "xl/worksheets/sheet1.xml", claimCompressed: 150 * MB, claimUncompressed: 150 * MB },
      { name: "xl/worksheets/sheet2.xml", claimCompressed: 60 * MB, claimUncompressed: 60 * MB },
    ]);
    expect(() => checkZipDirectory(bytes)).toThrow(expect.objectContaining({ code: "xlsx.zip_bomb", context: expect.objectContaining({ reason: "size" }) }));
  });

  it("refuses a part that expands more than 200 times", () => {
    const bytes = zip([{ name: "xl/worksheets/sheet1.xml", claimCompressed: 10_000, claimUncompressed: 10 * MB }]);
    expect(() => checkZipDirectory(bytes)).toThrow(expect.objectContaining({ code: "xlsx.zip_bomb", context: expect.objectContaining({ reason: "ratio" }) }));
    // Small parts compress absurdly well and are not held to the ratio.
    expect(checkZipDirectory(zip([{ name: "docProps/app.xml", claimCompressed: 10, claimUncompressed: 100_000 }])).totalUncompressedBytes).toBe(100_000);
  });

  it("refuses too many parts", () => {
    const bytes = zip(Array.from({ length: 5_001 }, (_, i) => ({ name: `x/${i}` })));
    expect(() => checkZipDirectory(bytes)).toThrow(expect.objectContaining({ code: "xlsx.zip_bomb", context: expect.objectContaining({ reason: "entries" }) }));
  });

  it("reads zip64 sizes", () => {
    const bytes = zip([{ name: "xl/worksheets/sheet1.xml", claimCompressed: 5 * MB, zip64Uncompressed: 5 * 1024 * MB }]);
    expect(() => checkZipDirectory(bytes)).toThrow(expect.objectContaining({ code: "xlsx.zip_bomb", context: expect.objectContaining({ reason: "size" }) }));
  });

  it("a truncated file is corrupt", () => {
    const bytes = zip([{ name: "a", data: Buffer.from("x") }]);
    expect(() => checkZipDirectory(bytes.subarray(0, bytes.length - 30))).toThrow(expect.objectContaining({ code: "xlsx.corrupt" }));
  });

  it("readXlsx refuses a real deflated bomb before exceljs sees it", async () => {
    const data = zlib.deflateRawSync(Buffer.alloc(20 * MB, 0x20));
    const bytes = zip([{ name: "xl/worksheets/sheet1.xml", data, claimUncompressed: 20 * MB }]);
    await expect(readXlsx(bytes)).rejects.toMatchObject({ code: "xlsx.zip_bomb" });
  });
});

describe("readXlsx", () => {
  async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it("gives each cell what a person sees and its typed value; rows and columns keep their positions", async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet("Placements");
      ws.getCell("A1").value = "Start Date";
      ws.getCell("B1").value = "Fee";
      ws.getCell("A3").value = new Date(Date.UTC(2026, 9, 1));
      ws.getCell("A3").numFmt = "dd/mm/yyyy";
      ws.getCell("C3").value = 912.5;
      ws.getCell("C3").numFmt = '"£"#,##0.00';
      ws.getCell("D3").value = { formula: "C3*2", result: 1825 };
      ws.getCell("E3").value = { richText: [{ text: "Oak " }, { text: "Fostering" }] };
      ws.getCell("F3").value = true;
    });
    const [sheet] = await readXlsx(bytes);
    expect(sheet?.name).toBe("Placements");
    expect(sheet?.rows).toEqual([
      [{ text: "Start Date", value: "Start Date", isFormula: false }, { text: "Fee", value: "Fee", isFormula: false }],
      [],
      [
        { text: "01/10/2026", value: new Date(Date.UTC(2026, 9, 1)), isFormula: false },
        { text: "", value: null, isFormula: false },
        { text: "£912.50", value: 912.5, isFormula: false },
        { text: "1825", value: 1825, isFormula: true },
        { text: "Oak Fostering", value: "Oak Fostering", isFormula: false },
        { text: "TRUE", value: true, isFormula: false },
      ],
    ]);
  });

  it("a date cell in the default (locale) date format reads in UK order", async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet("S").getCell("A1").value = new Date(Date.UTC(2026, 1, 3));
    });
    const [sheet] = await readXlsx(bytes);
    expect(sheet?.rows[0]?.[0]).toEqual({ text: "03/02/2026", value: new Date(Date.UTC(2026, 1, 3)), isFormula: false });
  });

  it("sheets in workbook order with their visibility; firstSheetOnly", async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet("First").getCell("A1").value = 1;
      const hidden = wb.addWorksheet("Hidden");
      hidden.state = "hidden";
      hidden.getCell("A1").value = 2;
    });
    expect((await readXlsx(bytes)).map((s) => [s.name, s.hidden])).toEqual([["First", false], ["Hidden", true]]);
    expect((await readXlsx(bytes, { firstSheetOnly: true })).map((s) => s.name)).toEqual(["First"]);
  });

  it("merged cells: the value once, or in every cell with fillMergedCells", async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet("S");
      ws.getCell("A1").value = "Oak";
      ws.mergeCells("A1:B1");
    });
    expect((await readXlsx(bytes))[0]?.rows[0]?.map((c) => c.text)).toEqual(["Oak"]);
    expect((await readXlsx(bytes, { fillMergedCells: true }))[0]?.rows[0]?.map((c) => c.text)).toEqual(["Oak", "Oak"]);
  });

  it("reads sheets whose cells have no r address (exceljs alone crashes on them)", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("S");
    ws.addRow(["a", "b"]);
    ws.addRow([1, "x"]);
    const original = Buffer.from(await wb.xlsx.writeBuffer());
    // Rewrite the sheet without addresses, then zip it again (stored) by hand.
    const directory = checkZipDirectory(original);
    const parts = directory.entries.map((entry) => {
      const start = entry.localHeaderOffset + 30 + original.readUInt16LE(entry.localHeaderOffset + 26) + original.readUInt16LE(entry.localHeaderOffset + 28);
      const raw = original.subarray(start, start + entry.compressedSize);
      let data = entry.method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
      if (entry.name === "xl/worksheets/sheet1.xml") data = Buffer.from(data.toString("utf8").replace(/ r="[A-Z]+\d+"/g, ""));
      return { name: entry.name, data };
    });
    const bytes = zip(parts.map((p) => ({ name: p.name, data: p.data })));
    // Mark every part as stored (method 0): the helper writes method 8 in the headers.
    for (let at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) bytes.writeUInt16LE(0, at + 10);
    const [sheet] = await readXlsx(bytes);
    expect(sheet?.rows.map((row) => row.map((cell) => cell.value))).toEqual([["a", "b"], [1, "x"]]);
  });

  it("addressCells numbers rows and cells in order and keeps existing addresses", () => {
    expect(addressCells('<row><c t="s"><v>0</v></c><c/></row><row r="5"><c r="C5"/><c><v>1</v></c></row>')).toBe(
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row><row r="5"><c r="C5"/><c r="D5"><v>1</v></c></row>',
    );
  });
});
