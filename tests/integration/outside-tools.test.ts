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
    expect(ingested.out).toContain("16 stored");
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

  it("a CSV whose dates are in month/day order (Calc's bare --convert-to csv) is refused, not read with months and days swapped", () => {
    expect(invoices.find((invoice) => invoice.source_file === "calc-csv-en-US-RSL-4101.csv")).toBeUndefined();
    const refused = attention.find((a) => a.source_file === "calc-csv-en-US-RSL-4101.csv");
    expect([refused?.reason_code, refused?.evidence]).toEqual(["no_invoice_date", '"Date: | 11/30/2026"']);
  });

  it("dates saved as bare serial numbers (a date column pasted as values) are refused, never read as amounts or guessed", () => {
    expect(invoices.find((invoice) => invoice.source_file === "serial-dates-RSL-4105.xlsx")).toBeUndefined();
    expect(attention.find((a) => a.source_file === "serial-dates-RSL-4105.xlsx")?.reason_code).toBe("no_invoice_date");
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

    it("a placements workbook: a row repeated to the letter is loaded once; bare serial numbers in date cells are refused by row", async () => {
      const result = await runCli("import", "--dry-run", path.join(EXPORTS, "Placements team workbook.xlsx"));
      expect(result.code).toBe(1);
      expect(result.err).toContain("Placements team workbook.xlsx row 8: repeats row 7 exactly (every value the same): loaded once");
      expect(result.out + result.err).toContain('Placements team workbook.xlsx row 9, start_date: "46062" is a number, not a date');
      expect(result.out).toContain("0 to insert, 0 to update, 33 unchanged, 14 with problems");
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
});
