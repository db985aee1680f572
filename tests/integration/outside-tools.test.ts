import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/money.js";
import { openDatabase } from "../../src/db/connection.js";
import { runCli } from "../support/cli.js";
import { cliDatabase } from "../support/cli-database.js";

/**
 * Spreadsheets and CSV made by other people's tools (tests/fixtures/outside-tools, written by its
 * generate.ts and exports.ts): every invoice reads back to its model field by field, to the penny;
 * files that cannot be read with certainty are refused, never misread; reference re-exports in
 * other spellings change nothing, and identifiers a spreadsheet mangled are refused by row.
 */
const CORPUS = path.resolve("tests/fixtures/outside-tools");
const INVOICES = path.join(CORPUS, "invoices");
const EXPORTS = path.join(CORPUS, "exports");

interface JsonLine {
  child_ref: string | null;
  placement_ref: string | null;
  description: string;
  from: string;
  to: string;
  quantity: string | null;
  unit: string | null;
  unit_rate: string | null;
  amount: string;
}
interface JsonInvoice {
  source_file: string;
  lines: JsonLine[];
  [field: string]: unknown;
}
interface NeedsAttention {
  source_file: string;
  reason_code: string;
  evidence: string | null;
  problems: { code: string; message: string }[];
}

describe("spreadsheets and CSV from other tools", () => {
  let restore: () => Promise<void> = () => Promise.resolve();
  let dataDir = "";
  let invoices: JsonInvoice[] = [];
  let attention: NeedsAttention[] = [];

  beforeAll(async () => {
    ({ dataDir, restore } = await cliDatabase("outside-tools", () => Promise.resolve()));
    expect((await runCli("import", "samples/reference")).code).toBe(0);
    const ingested = await runCli("ingest", INVOICES);
    expect(ingested.out).toContain("18 stored");
    const listed = await runCli("invoices", "--format", "json");
    invoices = JSON.parse(listed.out) as JsonInvoice[];
    const refused = await runCli("invoices", "--needs-attention", "--format", "json");
    attention = JSON.parse(refused.out) as NeedsAttention[];
  });
  afterAll(() => restore());

  const expectedFiles = fs.readdirSync(INVOICES).filter((name) => name.endsWith(".expected.json"));

  it.each(expectedFiles)("%s: every field as the provider wrote it", (name) => {
    const expected = JSON.parse(fs.readFileSync(path.join(INVOICES, name), "utf8")) as JsonInvoice;
    const got = invoices.find((invoice) => invoice.source_file === expected.source_file);
    expect(got, `${expected.source_file} was not stored: ${JSON.stringify(attention.find((a) => a.source_file === (expected.source_file)))}`).toBeDefined();
    for (const field of ["provider_id", "invoice_number", "invoice_date", "kind", "credits_invoice", "period_from", "period_to", "subtotal", "vat", "total"]) {
      expect([field, got?.[field]]).toEqual([field, expected[field]]);
    }
    expect(got?.lines.length).toBe(expected.lines.length);
    expected.lines.forEach((line, i) => {
      const actual = got?.lines[i] as JsonLine;
      // Money to the penny, as strings with two decimals; quantities as numbers (30 = 30.00).
      expect({ ...actual, quantity: null }).toMatchObject({ ...line, quantity: null, item: actual.unit === null ? "discount" : expect.any(String) });
      expect(actual.quantity === null ? null : new Dec(actual.quantity).toString()).toBe(line.quantity === null ? null : new Dec(line.quantity).toString());
    });
  });

  it("a formula saved without its result is computed, and the invoice says which cells", async () => {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir });
    try {
      const row = await db.knex("invoices").where({ invoice_number: "RSL-4103" }).first<{ extraction_notes: unknown }>("extraction_notes");
      expect(JSON.stringify(row?.extraction_notes)).toContain("Formula cells saved without a result, computed here from their formulas: Invoice!J12, Invoice!J13, Invoice!J14");
    } finally {
      await db.close();
    }
  });

  it("a hidden row (a cancelled line hidden, not deleted) is not read, and the notes quote it", async () => {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir });
    try {
      const row = await db.knex("invoices").where({ invoice_number: "RSL-4109" }).first<{ extraction_notes: unknown }>("extraction_notes");
      expect(JSON.stringify(row?.extraction_notes)).toContain(
        'sheet Invoice: hidden rows not read (not shown or printed): row 14 \\"C5003 | PO-450603 | Supported accommodation - standard (cancelled) | RIV-INT-9',
      );
    } finally {
      await db.close();
    }
  });

  it("a CSV whose dates are in month/day order (Calc's bare --convert-to csv) is refused, the date quoted and said to be month-first", () => {
    expect(invoices.find((invoice) => invoice.source_file === "calc-csv-en-US-RSL-4101.csv")).toBeUndefined();
    const refused = attention.find((a) => a.source_file === "calc-csv-en-US-RSL-4101.csv");
    expect([refused?.reason_code, refused?.evidence]).toEqual(["invoice_date_unreadable", '"Date: | 11/30/2026"']);
    expect(refused?.problems[0]?.message).toBe(
      'The invoice date "11/30/2026" on RSL-4101 could not be read: it looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD.',
    );
  });

  it("dates saved as bare serial numbers (a date column pasted as values) are read where a date is expected, and the invoice says so", async () => {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir });
    try {
      const row = await db.knex("invoices").where({ invoice_number: "RSL-4105" }).first<{ extraction_notes: unknown }>("extraction_notes");
      // 46356 = 30 Nov 2026 and 46327 = 1 Nov 2026 in the 1900 system (25569 = 1 Jan 1970).
      expect(JSON.stringify(row?.extraction_notes)).toContain(
        'Dates written as Excel serial day numbers (a date column pasted as values) were read in the 1900 date system: invoice date \\"46356\\" = 2026-11-30, \\"46327\\" = 2026-11-01, \\"46356\\" = 2026-11-30',
      );
    } finally {
      await db.close();
    }
  });

  it("Calc's CSV in a German locale (decimal commas) is refused, never read with its commas as thousands", () => {
    expect(invoices.find((invoice) => invoice.source_file === "calc-csv-de-DE-RSL-4111.csv")).toBeUndefined();
    const refused = attention.find((a) => a.source_file === "calc-csv-de-DE-RSL-4111.csv");
    const messages = refused?.problems.map((p) => p.message).join("\n") ?? "";
    expect(messages).toContain('prints "4.500,00 GBP" under the amount heading, which could not be read as one: it looks like a number written with a decimal comma');
    expect(messages).toContain('prints "1.050,00 GBP" under the unitRate heading, which could not be read as one: it looks like a number written with a decimal comma');
  });

  describe("reference exports", () => {
    it("a finance system's contracts report (other names, Yes/Y/TRUE/1 flags, 80%, d/m/yyyy) changes nothing", async () => {
      const result = await runCli(
        "import", "--dry-run",
        "--map", "Agreement Ref=contract_id", "--map", "Agreement Title=title", "--map", "Agreement Start=start_date", "--map", "Agreement End=end_date",
        path.join(EXPORTS, "Agreements report.csv"),
      );
      expect(result.code).toBe(0);
      expect(result.out).toContain("Agreements report.csv (contracts): 0 to insert, 0 to update, 8 unchanged");
      expect(result.err).toContain('Agreements report.csv row 1: ignored column "Budget Code" (not a column of the contracts table)');
    });

    it("a placements workbook: a row repeated to the letter is loaded once; bare serial numbers in date cells are read as the dates they stand for", async () => {
      const result = await runCli("import", "--dry-run", path.join(EXPORTS, "Placements team workbook.xlsx"));
      expect(result.code).toBe(0);
      expect(result.err).toContain("Placements team workbook.xlsx row 8: repeats row 7 exactly (every value the same): loaded once");
      // The serials are the sample council's own dates (46062 = 9 Feb 2026 = PL-2003's start): nothing changes.
      expect(result.err).toContain(
        'Placements team workbook.xlsx row 9, start_date: 11 dates written as Excel serial day numbers read in the 1900 date system (e.g. "46062" = 2026-02-09): check them in the preview',
      );
      expect(result.out).toContain("0 to insert, 0 to update, 47 unchanged");
    });

    it("a hand-kept workbook: group headings, wrapped and hinted headers are read; a total and a count row under the table are skipped, and said so", async () => {
      const result = await runCli("import", "--dry-run", path.join(EXPORTS, "LAC placements with totals.xlsx"));
      expect(result.code).toBe(0);
      expect(result.err).toContain('LAC placements with totals.xlsx row 7: "Total" is a total or note row, not a placement: skipped');
      expect(result.err).toContain('LAC placements with totals.xlsx row 8: "Count: 2" is a total or note row, not a placement: skipped');
      expect(result.out).toContain("LAC placements with totals.xlsx (placements): 0 to insert, 0 to update, 2 unchanged");
    });

    it("child references whose leading zeros Excel dropped are refused; kept as text, by a 000000 format or as =\"004731\" they load", async () => {
      const xlsx = await runCli("import", "--skip-bad-rows", path.join(EXPORTS, "new placements zero padded.xlsx"));
      expect(xlsx.out + xlsx.err).toContain(
        'new placements zero padded.xlsx row 4, child_ref: "4713" looks like "004713" with its leading zeros dropped by a spreadsheet (child_ref values here are zero-padded, e.g. "004711")',
      );
      const csv = await runCli("import", "--skip-bad-rows", path.join(EXPORTS, "new placements zero padded.csv"));
      expect(csv.out + csv.err).toContain('new placements zero padded.csv row 3, child_ref: "4722" looks like "004722" with its leading zeros dropped');
      // A CSV made for Excel: a "sep=;" line, ids written ="004731" so Excel keeps the zeros.
      const excel = await runCli("import", path.join(EXPORTS, "placements for Excel.csv"));
      expect([excel.code, excel.err]).toEqual([0, ""]);
      const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir });
      try {
        const rows = await db.knex("placements").where("placement_id", "like", "PL-91%").orderBy("placement_id").select("placement_id", "child_ref");
        expect(rows).toEqual([
          { placement_id: "PL-9101", child_ref: "004711" },
          { placement_id: "PL-9102", child_ref: "004712" },
          { placement_id: "PL-9104", child_ref: "004714" },
          { placement_id: "PL-9111", child_ref: "004721" },
          { placement_id: "PL-9113", child_ref: "004723" },
        ]);
        expect(await db.knex("placements").where("placement_id", "like", "PL-92%").orderBy("placement_id").select("placement_id", "child_ref", "po_number")).toEqual([
          { placement_id: "PL-9201", child_ref: "004731", po_number: "PO-429201" },
          { placement_id: "PL-9202", child_ref: "004732", po_number: "PO-429202" },
        ]);
      } finally {
        await db.close();
      }
    });
  });
  describe("reference exports in other tools' conventions (tests/fixtures/outside-tools/conventions.ts)", () => {
    it("Calc's default CSV (US month-first dates): those dates are refused as US order, and the column's day/month dates as doubtful", async () => {
      const result = await runCli("import", "--dry-run", path.join(EXPORTS, "placements US export.csv"));
      expect(result.code).toBe(1);
      const lines = (result.out + result.err).split("\n").filter((line) => line.includes("start_date"));
      expect(lines).toEqual([
        'placements US export.csv row 2, start_date: "04/03/2026" could be read day first or month first, and this column also holds "11/23/2026" (row 3), a US (month-first) date: its order is in doubt, so it is not read (write it YYYY-MM-DD)',
        'placements US export.csv row 3, start_date: "11/23/2026" looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD',
        'placements US export.csv row 5, start_date: "01/13/2026" looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD',
      ]);
      expect(result.out).toContain("placements US export.csv (placements): 1 to insert, 0 to update, 0 unchanged, 3 with problems");
    });

    it("Calc's CSV in a German locale: every decimal comma refused, quoted, never read as thousands", async () => {
      const result = await runCli("import", "--dry-run", path.join(EXPORTS, "placements German locale.csv"));
      expect(result.code).toBe(1);
      for (const [row, value] of [[2, "1.234,56"], [3, "912,50"], [4, "900,00"]] as const) {
        expect(result.out + result.err).toContain(`placements German locale.csv row ${row}, weekly_fee: "${value}" looks like a number written with a decimal comma: write it with a decimal point (e.g. 1234.56); commas may only separate thousands`);
      }
      expect(result.out).toContain("placements German locale.csv (placements): REJECTED");
    });

    it("serial dates (CSV and XLSX by Calc, an exceljs workbook in the 1904 system), UTF-16 Unicode text and Windows-1252 load to the day and the penny; bad rows are left listed", async () => {
      const files = ["placements US export.csv", "placements pasted as values.csv", "placements 1904 workbook.xlsx", "placements unicode text.csv", "placements windows-1252.csv"];
      const applied = await runCli("import", "--skip-bad-rows", ...files.map((name) => path.join(EXPORTS, name)));
      // Exit 1: rows were left out (the US export's three), and listed; the rest is loaded.
      expect([applied.code, applied.out.includes("Reference data imported, except the rows with problems listed above.")]).toEqual([1, true]);
      expect(applied.out).toContain("placements         7        0          0         3");
      expect(applied.err).toContain('placements 1904 workbook.xlsx row 2, start_date: 1 date written as Excel serial day numbers read in the 1904 date system (e.g. "44838" = 2026-10-05)');
      // The same placements re-saved as XLSX by Calc: the same dates, so nothing changes.
      const resaved = await runCli("import", "--dry-run", path.join(EXPORTS, "placements pasted as values (Calc).xlsx"));
      expect(resaved.out).toContain("(placements): 0 to insert, 0 to update, 2 unchanged");
      const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir });
      try {
        const rows: { placement_id: string; start_date: string | Date; end_date: string | Date | null; weekly_fee: string | number | null }[] = await db
          .knex("placements")
          .where("placement_id", "like", "PL-95%")
          .orderBy("placement_id")
          .select("placement_id", "start_date", "end_date", "weekly_fee");
        const day = (value: string | Date | null): string | null => (value === null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10));
        expect(rows.map((r) => [r.placement_id, day(r.start_date), day(r.end_date), r.weekly_fee === null ? null : new Dec(r.weekly_fee).toFixed(2)])).toEqual([
          ["PL-9503", "2026-05-05", null, "900.00"],
          ["PL-9511", "2026-10-05", "2026-11-01", "912.50"],
          ["PL-9512", "2026-02-28", null, "912.50"],
          ["PL-9521", "2026-10-05", "2026-11-01", "912.50"],
          ["PL-9541", "2026-10-05", null, "912.50"],
          ["PL-9542", "2026-10-05", null, "1050.00"],
          ["PL-9551", "2026-10-05", null, "912.50"],
        ]);
      } finally {
        await db.close();
      }
    });
  });
});
