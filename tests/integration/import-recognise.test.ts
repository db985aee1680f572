import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../../src/db/repositories/reference.repository.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { referenceTemplate } from "../../src/services/reference/reference-templates.js";
import { REFERENCE_TABLES, TABLES } from "../../src/reference/tables.js";
import { readXlsx } from "../../src/tabular/xlsx.js";
import { csv, day, type XlsxValue } from "../fixtures/reference/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

async function workbook(sheets: Record<string, XlsxValue[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe("import: tables recognised from their headers, whatever the files are called", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("reads several tables from one workbook's sheets, skipping title, filter and blank rows above each header", async () => {
    const bytes = await workbook({
      "Read me": [["This workbook is kept by the placements team."], ["Do not sort the sheets."]],
      "Current placements": [
        ["Kestrel Vale Council: looked-after children's placements"],
        ["Filter: Status = Open"],
        [],
        ["Placement Ref", "Child Ref", "Provider", "Contract No", "Level", "Date Placed", "Date Left"],
        ["PL7", "CH071", "Willow Foster Care", "C7", "Standard", day("2026-03-02"), null],
      ],
      Carers: [
        ["Providers as at 1 December 2026"],
        [],
        ["Provider Ref", "Provider Name", "Type"],
        ["P7", "Willow Foster Care Ltd", "IFA"],
      ],
      Contracts: [
        ["Contract ID", "Supplier ID", "Contract Title", "Contract Start"],
        ["C7", "P7", "Willow spot purchase", day("2026-01-01")],
      ],
    });
    // The placements name the provider "Willow Foster Care": an alias, not the id.
    const aliases = csv("Willow aliases.csv", "provider_id,name,kind,aliases\nP7,Willow Foster Care Ltd,ifa,Willow Foster Care\n");
    const report = await importReference(t.db, [{ name: "Placements team tracker.xlsx", bytes }, aliases], { authorityId: 1 });
    expect(report.files.map((f) => [f.file, f.table, f.status])).toEqual([
      ["Placements team tracker.xlsx (sheet Carers)", "providers", "ok"],
      ["Willow aliases.csv", "providers", "ok"],
      ["Placements team tracker.xlsx (sheet Contracts)", "contracts", "ok"],
      ["Placements team tracker.xlsx (sheet Current placements)", "placements", "ok"],
    ]);
    expect(report.outcome).toBe("applied");
    const placements = report.files[3];
    expect(placements?.inserts.map((row) => [row.rowNumber, row.label])).toEqual([[5, "PL7"]]);
    expect(report.files[0]?.warnings.map((w) => w.message)).toEqual([
      "Placements team tracker.xlsx (sheet Read me): skipped: no table recognised: no row among the first 30 names the columns of any table (providers, contracts, rates, placements, placement_fees, packages, discounts, absences)",
    ]);
    const data = await loadReferenceData(t.db.knex, 1);
    expect(data.placements).toEqual([
      { placementId: "PL7", childRef: "CH071", providerId: "P7", contractId: "C7", serviceLevel: "standard", startDate: "2026-03-02", endDate: null, weeklyFee: null, siblingGroup: null, poNumber: null },
    ]);
    expect(data.providers.map((p) => [p.providerId, p.aliases])).toEqual([["P7", ["Willow Foster Care"]]]);
  });

  it("a file whose headers lack a column says which table it comes closest to and what is missing", async () => {
    const report = await importReference(t.db, [csv("export 2026-12.csv", "Placement ID,Child ID,Provider Name,Start Date\nPL8,CH081,P7,2026-04-01\n")], { authorityId: 1, dryRun: true });
    expect(report.files.map((f) => [f.file, f.table, f.errors.map((e) => e.message)])).toEqual([
      [
        "export 2026-12.csv",
        "placements",
        ["export 2026-12.csv: no table recognised: its headers (row 1) come closest to the placements table, but the column contract_id is missing: add it, or map the file's own header to it"],
      ],
    ]);
  });

  it("a file resembling no table is refused, naming the tables", async () => {
    const report = await importReference(t.db, [csv("notes.csv", "a,b\n1,2\n")], { authorityId: 1, dryRun: true });
    expect(report.files[0]?.errors.map((e) => e.code)).toEqual(["file.unknown_table"]);
  });

  it("a provider spelling shared by two providers is a problem, never a pick", async () => {
    const report = await importReference(t.db, [
      csv("providers.csv", "provider_id,name,kind,aliases\nP8,Willow Lodge,residential,Willow Foster Care\n"),
      csv("contracts.csv", "contract_id,provider_id,title,start_date\nC8,Willow Foster Care,Lodge block,2026-01-01\n"),
    ], { authorityId: 1, dryRun: true });
    expect(report.files[1]?.errors.map((e) => e.message)).toEqual([
      'contracts.csv row 2, provider_id: "Willow Foster Care" is the name or alias of several providers (P7, P8): give the provider\'s id',
    ]);
  });

  it("each blank template holds its table's columns and, filled in and renamed, is recognised as that table", async () => {
    for (const table of REFERENCE_TABLES) {
      const [sheet] = await readXlsx(await referenceTemplate(table));
      expect([table, sheet?.rows[0]?.map((cell) => cell.text)]).toEqual([table, TABLES[table].columns.map((column) => column.name)]);
    }
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await referenceTemplate("providers")) as unknown as ArrayBuffer);
    book.getWorksheet("providers")?.addRow(["P9", "Rowan Care", "residential"]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const report = await importReference(t.db, [{ name: "Copy of template (3).xlsx", bytes }], { authorityId: 1, dryRun: true });
    expect(report.files.map((f) => [f.table, f.counts.inserted, f.errors])).toEqual([["providers", 1, []]]);
  });
});
