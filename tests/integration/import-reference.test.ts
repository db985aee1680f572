import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../../src/db/repositories/reference.repository.js";
import { importReference, type ImportReport } from "../../src/services/reference/import-reference.js";
import { EXPECTED_REFERENCE, VALID_ROW_COUNTS, csv, validCsvFiles, validXlsxFiles } from "../fixtures/reference/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

function counts(report: ImportReport): Record<string, [number, number, number, number]> {
  const result: Record<string, [number, number, number, number]> = {};
  for (const [table, c] of Object.entries(report.tables)) result[table] = [c.inserted, c.updated, c.unchanged, c.rejected];
  return result;
}

const allInserted = Object.fromEntries(Object.entries(VALID_ROW_COUNTS).map(([table, n]) => [table, [n, 0, 0, 0]]));
const allUnchanged = Object.fromEntries(Object.entries(VALID_ROW_COUNTS).map(([table, n]) => [table, [0, 0, n, 0]]));

describe("importReference: every table, CSV then XLSX", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("loads all eight tables from CSV, given in reverse order, in dependency order", async () => {
    const report = await importReference(t.db, validCsvFiles().reverse(), { authorityId: 1 });
    expect(report.files.map((f) => f.file)).toEqual([
      "providers.csv", "contracts.csv", "rates.csv", "placements.csv", "placement_fees.csv", "packages.csv", "discounts.csv", "absences.csv",
    ]);
    expect(report.files.map((f) => f.errors)).toEqual(report.files.map(() => []));
    expect(report.ok).toBe(true);
    expect(report.changed).toBe(true);
    expect(counts(report)).toEqual(allInserted);
    expect(await loadReferenceData(t.db.knex, 1)).toEqual(EXPECTED_REFERENCE);
  });

  it("importing the same files again changes nothing and says so", async () => {
    const report = await importReference(t.db, validCsvFiles(), { authorityId: 1 });
    expect(report.ok).toBe(true);
    expect(report.changed).toBe(false);
    expect(counts(report)).toEqual(allUnchanged);
  });

  it("the XLSX version of the same data (date cells, numbers, header synonyms) is the same data: all unchanged", async () => {
    const report = await importReference(t.db, await validXlsxFiles(), { authorityId: 1 });
    expect(report.files.flatMap((f) => f.errors.map((e) => e.message))).toEqual([]);
    expect(report.files.map((f) => f.format)).toEqual(Array(8).fill("xlsx"));
    expect(counts(report)).toEqual(allUnchanged);
    expect(await loadReferenceData(t.db.knex, 1)).toEqual(EXPECTED_REFERENCE);
  });

  it("counts a changed row as updated and stores the new value", async () => {
    const report = await importReference(t.db, [
      csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date,end_date,weekly_fee\nPL5,CH004,P3,C3,2026-01-05,2026-07-31,\nPL6,CH005,P3,C3,2026-02-01,,"),
    ], { authorityId: 1 });
    expect(counts(report)).toEqual({ placements: [1, 1, 0, 0] });
    const data = await loadReferenceData(t.db.knex, 1);
    expect(data.placements.find((p) => p.placementId === "PL5")?.endDate).toBe("2026-07-31");
    expect(data.placements.find((p) => p.placementId === "PL6")).toEqual({
      placementId: "PL6", childRef: "CH005", providerId: "P3", contractId: "C3", serviceLevel: null, startDate: "2026-02-01", endDate: null, weeklyFee: null, siblingGroup: null, poNumber: null,
    });
  });
});

describe("importReference: XLSX into an empty database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("inserts every table from XLSX, and the CSV version is then unchanged", async () => {
    const first = await importReference(t.db, await validXlsxFiles(), { authorityId: 1 });
    expect(first.files.flatMap((f) => f.errors.map((e) => e.message))).toEqual([]);
    expect(counts(first)).toEqual(allInserted);
    expect(await loadReferenceData(t.db.knex, 1)).toEqual(EXPECTED_REFERENCE);
    const second = await importReference(t.db, validCsvFiles(), { authorityId: 1 });
    expect(counts(second)).toEqual(allUnchanged);
  });
});

describe("importReference: one import, applied whole or not at all", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  const withBadPlacements = (): { name: string; bytes: Buffer }[] =>
    validCsvFiles().map((file) =>
      file.name === "placements.csv"
        ? csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date,end_date\nPL1,CH001,P1,C1,2025-09-01,\nPL2,CH002,P1,C1,2025-09-01,31/02/2026\nPL3,CH003,P9,C2,2025-10-15,2026-03-01\nPL5,CH004,P3,C3,2026-01-05,2026-06-30\n")
        : file,
    );

  it("lists every problem of every file in one pass and, with a problem, applies nothing at all", async () => {
    const report = await importReference(t.db, withBadPlacements(), { authorityId: 1 });
    expect(report.outcome).toBe("refused_problems");
    expect(report.ok).toBe(false);
    expect(report.changed).toBe(false);
    const byFile = Object.fromEntries(report.files.map((f) => [f.file, f]));
    // A row check (a bad date) and a reference (an unknown provider) of the same file, together.
    expect(byFile["placements.csv"]?.errors.map((e) => e.message)).toEqual([
      'placements.csv row 3, end_date: "31/02/2026" is not a date',
      'placements.csv row 4, provider_id: "P9" is not a known provider (not in the database nor in this import)',
    ]);
    expect(byFile["placements.csv"]?.status).toBe("partial");
    expect(byFile["placements.csv"]?.counts).toEqual({ inserted: 2, updated: 0, unchanged: 0, rejected: 2 });
    // Dependants of the refused rows are problems too, saying why.
    expect(byFile["absences.csv"]?.errors.map((e) => e.message)).toEqual([
      'absences.csv row 3, placement_id: "PL3" is not a known placement (its row in placements.csv was rejected)',
    ]);
    // Not even the good files were written.
    for (const table of ["providers", "placements", "absences"]) {
      const [row] = await t.db.knex(table).count<{ count: string }[]>("* as count");
      expect([table, row?.count]).toEqual([table, "0"]);
    }
  });

  it("a dry run shows the same and writes nothing", async () => {
    const report = await importReference(t.db, withBadPlacements(), { authorityId: 1, dryRun: true, skipBadRows: true });
    expect(report.outcome).toBe("preview");
    expect(report.tables.providers).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const [row] = await t.db.knex("providers").count<{ count: string }[]>("* as count");
    expect(row?.count).toBe("0");
  });

  it("with skipBadRows, loads the good rows and leaves the bad ones listed", async () => {
    const report = await importReference(t.db, withBadPlacements(), { authorityId: 1, skipBadRows: true, actor: "tester" });
    expect(report.outcome).toBe("applied");
    expect(report.ok).toBe(false);
    expect(report.changed).toBe(true);
    const data = await loadReferenceData(t.db.knex, 1);
    expect(data.placements.map((p) => p.placementId)).toEqual(["PL1", "PL5"]);
    expect(data.absences.map((a) => a.placementId)).toEqual(["PL1", "PL5"]);
    expect(data.placementFees.map((f) => f.placementId)).toEqual(["PL1"]);
    const log = await t.db.knex("audit_log").where({ action: "import" }).select("actor", "entity_id", "after");
    expect(log).toHaveLength(1);
    expect(log[0]?.actor).toBe("tester");
    const files = (log[0]?.after as { files: { file: string; inserted: number; rejected: number }[] }).files;
    expect(files.find((f) => f.file === "placements.csv")).toMatchObject({ inserted: 2, rejected: 2 });
  });

  it("checks references against the database: a later import may refer to rows loaded before", async () => {
    const report = await importReference(t.db, [csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date\nPL9,CH009,P1,C1,2026-01-01\n")], { authorityId: 1 });
    expect(report.ok).toBe(true);
    expect(counts(report)).toEqual({ placements: [1, 0, 0, 0] });
  });

  it("refuses a placement that overlaps one in the database for the same child and provider", async () => {
    const report = await importReference(t.db, [csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date,end_date\nPL10,CH009,P1,C1,2025-06-01,2026-01-15\n")], { authorityId: 1 });
    expect(report.files[0]?.errors.map((e) => e.message)).toEqual([
      'placements.csv row 2, start_date: placement "PL10" (2025-06-01 to 2026-01-15) overlaps placement "PL9" (2026-01-01 to ongoing) of the same child "CH009" with provider "P1"',
    ]);
  });

  it("a file that moves a stored placement is checked with its new dates, not the stored ones", async () => {
    // PL9 now ends on 2026-02-01 and PL10 starts that day: a move, no overlap.
    const report = await importReference(t.db, [
      csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date,end_date\nPL9,CH009,P1,C1,2026-01-01,2026-02-01\nPL10,CH009,P1,C1,2026-02-01,\n"),
    ], { authorityId: 1 });
    expect(report.files[0]?.errors).toEqual([]);
    expect(counts(report)).toEqual({ placements: [1, 1, 0, 0] });
  });

  it("reads a Windows-1252, semicolon-separated file with UK dates and £, and a UTF-8 file with a BOM", async () => {
    const windows1252 = Buffer.concat([
      Buffer.from("placement_id;child_ref;provider_id;contract_id;start_date;end_date;weekly_fee\r\nPL20;CH020;P1;C1;01/10/2025;31/12/2025;", "latin1"),
      Buffer.from([0xa3]),
      Buffer.from("1,234.50\r\n", "latin1"),
    ]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("placement_id,effective_from,weekly_fee\nPL20,01/12/2025,\"£1,300.00\"\n", "utf8")]);
    const report = await importReference(t.db, [
      { name: "placement_fees.csv", bytes: bom },
      { name: "placements.csv", bytes: windows1252 },
    ], { authorityId: 1 });
    expect(report.files.flatMap((f) => f.errors)).toEqual([]);
    const data = await loadReferenceData(t.db.knex, 1);
    const placement = data.placements.find((p) => p.placementId === "PL20");
    expect([placement?.startDate, placement?.endDate, placement?.weeklyFee]).toEqual(["2025-10-01", "2025-12-31", "1234.5"]);
    expect(data.placementFees.filter((f) => f.placementId === "PL20")).toEqual([{ placementId: "PL20", effectiveFrom: "2025-12-01", weeklyFee: "1300" }]);
  });

  it("refuses files it cannot read or place, and loads the others when asked to skip them", async () => {
    const report = await importReference(t.db, [
      csv("notes.csv", "a,b\n1,2\n"),
      { name: "contracts.xlsx", bytes: Buffer.from("not a workbook") },
      { name: "rates.xls", bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0]) },
      csv("providers.csv", "provider_id,name,kind\nP7,Ash Lodge,residential\n"),
    ], { authorityId: 1, skipBadRows: true });
    const problems = Object.fromEntries(report.files.map((f) => [f.file, f.errors.map((e) => e.code)]));
    expect(problems).toEqual({ "notes.csv": ["file.unknown_table"], "contracts.xlsx": ["xlsx.not_zip"], "rates.xls": ["file.unsupported_format"], "providers.csv": [] });
    expect(report.tables.providers).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
  });
});

describe("importReference: absences that share a start date, fee changes after a placement ended (issue 21)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    const report = await importReference(t.db, validCsvFiles(), { authorityId: 1 });
    expect(report.ok).toBe(true);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("accepts both files, merges the absences into one continuous absence and warns about each", async () => {
    // PL3 (CH003) ended 2026-03-01 under contract C2 (pays the departure day): its last night is 1 Mar.
    const report = await importReference(t.db, [
      csv("placement_fees.csv", "placement_id,effective_from,weekly_fee\nPL1,2026-04-01,980\nPL3,2026-01-01,5250\nPL3,2026-04-01,5400\n"),
      csv("absences.csv", "placement_id,from_date,to_date,reason\nPL1,2026-10-03,2026-10-10,hospital\nPL1,2026-10-03,2026-10-22,hospital\n"),
    ], { authorityId: 1 });
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => [f.file, f.status, f.errors.length])).toEqual([
      ["placement_fees.csv", "ok", 0],
      ["absences.csv", "ok", 0],
    ]);
    expect(report.files.map((f) => f.warnings.map((w) => w.code))).toEqual([["fee.after_placement"], ["absence.merged"]]);
    const data = await loadReferenceData(t.db.knex, 1);
    expect(data.placementFees.filter((f) => f.placementId === "PL3").map((f) => f.effectiveFrom).sort()).toEqual(["2026-01-01", "2026-04-01"]);
    expect(data.absences.filter((a) => a.placementId === "PL1" && a.fromDate === "2026-10-03")).toEqual([
      { placementId: "PL1", fromDate: "2026-10-03", toDate: "2026-10-22", reason: "hospital" },
    ]);
  });
});
