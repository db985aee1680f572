import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../../src/db/repositories/reference.repository.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { csv } from "../fixtures/reference/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

const SAMPLE_REFERENCE = path.resolve("samples/reference");
const sampleFiles = (): { name: string; bytes: Buffer }[] => fs.readdirSync(SAMPLE_REFERENCE).map((name) => ({ name, bytes: fs.readFileSync(path.join(SAMPLE_REFERENCE, name)) }));

/**
 * Issue 20's story: a case system's placements export whose "Child ID" is the case system's own
 * person id, whose provider column names another provider, and whose "Care Package Level" the
 * importer cannot place. Imported blind, it moved three placements to other children and another
 * provider and blanked their service level.
 */
const STORY_FILE = "Mosaic_LAC_Placements_Dec2026.csv";
const STORY = csv(
  STORY_FILE,
  [
    "Placement ID,Child ID,Care Package Level,Provider Name,Contract,Start Date",
    "PL-2001,M-88412,Standard,Oakleaf Family Placements CIC,CON-OAK-23,16/06/2025",
    "PL-2002,M-88413,Enhanced,Oakleaf Family Placements CIC,CON-OAK-23,03/11/2025",
    "PL-2003,M-88414,Standard,Oakleaf Family Placements CIC,CON-OAK-23,09/02/2026",
  ].join("\n"),
);

describe("import preview: the silent reassignment is impossible", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    const report = await importReference(t.db, sampleFiles(), { authorityId: 1 });
    expect(report.outcome).toBe("applied");
    expect(report.ok).toBe(true);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("a dry run shows the three key changes apart, field by field, and no other change", async () => {
    const before = await loadReferenceData(t.db.knex, 1);
    const report = await importReference(t.db, [STORY], { authorityId: 1, dryRun: true });
    expect(report.outcome).toBe("preview");
    expect(report.keyChanges).toBe(3);
    const [file] = report.files;
    expect(file?.updates).toEqual([]);
    expect(file?.inserts).toEqual([]);
    expect(file?.keyChanges.map((k) => [k.rowNumber, k.label, k.changes])).toEqual([
      [2, "PL-2001", [
        { column: "child_ref", before: "C1001", after: "M-88412" },
        { column: "provider_id", before: "BRF", after: "OAK" },
        { column: "contract_id", before: "CON-BRF-24", after: "CON-OAK-23" },
      ]],
      [3, "PL-2002", [
        { column: "child_ref", before: "C1002", after: "M-88413" },
        { column: "provider_id", before: "BRF", after: "OAK" },
        { column: "contract_id", before: "CON-BRF-24", after: "CON-OAK-23" },
      ]],
      [4, "PL-2003", [
        { column: "child_ref", before: "C1003", after: "M-88414" },
        { column: "provider_id", before: "BRF", after: "OAK" },
        { column: "contract_id", before: "CON-BRF-24", after: "CON-OAK-23" },
      ]],
    ]);
    // The column it could not place is said, not silently dropped.
    // The file of any name is recognised as placements from its headers; the provider is given by name.
    expect(file?.table).toBe("placements");
    expect(file?.warnings.map((w) => w.message)).toEqual([
      `${STORY_FILE} row 1: ignored column "Care Package Level" (not a column of the placements table)`,
      `${STORY_FILE} row 2, provider_id (column "Provider Name"): provider "Oakleaf Family Placements CIC" taken as "OAK" (its name or alias)`,
      // PL-2003 and PL-2004 are siblings (SG-14): moving one of them to Oakleaf splits them.
      `${STORY_FILE} row 4, sibling_group: sibling group "SG-14" is placed with providers "BRF" (PL-2004) and "OAK" (PL-2003): a sibling discount applies only to siblings placed together`,
    ]);
    expect(await loadReferenceData(t.db.knex, 1)).toEqual(before);
  });

  it("applying without confirmation is refused whole: nothing moves, nothing is logged", async () => {
    const before = await loadReferenceData(t.db.knex, 1);
    const report = await importReference(t.db, [STORY], { authorityId: 1, actor: "admin" });
    expect(report.outcome).toBe("refused_key_changes");
    expect(report.changed).toBe(false);
    expect(await loadReferenceData(t.db.knex, 1)).toEqual(before);
    expect(await t.db.knex("audit_log").where({ actor: "admin" })).toEqual([]);
  });

  it("confirmed, the placements move but the service level, fee, end date and PO number the file lacks are kept; the audit log has each key change", async () => {
    const report = await importReference(t.db, [STORY], { authorityId: 1, confirmKeyChanges: true, actor: "admin" });
    expect(report.outcome).toBe("applied");
    const placements = (await loadReferenceData(t.db.knex, 1)).placements.filter((p) => ["PL-2001", "PL-2002", "PL-2003"].includes(p.placementId));
    expect(placements.map((p) => [p.placementId, p.childRef, p.providerId, p.serviceLevel, p.siblingGroup, p.poNumber])).toEqual([
      ["PL-2001", "M-88412", "OAK", "standard", null, "PO-410201"],
      ["PL-2002", "M-88413", "OAK", "enhanced", null, "PO-410202"],
      ["PL-2003", "M-88414", "OAK", "standard", "SG-14", "PO-410203"],
    ]);
    const log = await t.db.knex("audit_log").where({ actor: "admin" }).orderBy("id").select<{ action: string; entity: string; entity_id: string; before: unknown; after: unknown }[]>("action", "entity", "entity_id", "before", "after");
    expect(log.map((entry) => [entry.action, entry.entity, entry.entity_id])).toEqual([
      ["import", "reference data", STORY_FILE],
      ["key change", "placement", "PL-2001"],
      ["key change", "placement", "PL-2002"],
      ["key change", "placement", "PL-2003"],
    ]);
    expect(log[0]?.after).toEqual({ files: [{ file: STORY_FILE, table: "placements", inserted: 0, updated: 3, unchanged: 0, rejected: 0, keyChanges: 3 }] });
    expect(log[1]?.before).toEqual({ child_ref: "C1001", provider_id: "BRF", contract_id: "CON-BRF-24" });
    expect(log[1]?.after).toEqual({ child_ref: "M-88412", provider_id: "OAK", contract_id: "CON-OAK-23", file: STORY_FILE, row: 2 });
  });

  it("a column absent from the file never blanks or resets a field: contracts without vat_exempt or retainer columns", async () => {
    // CON-RIV-25 is not VAT exempt and CON-BRF-24 keeps a retainer of 80% for 14 nights; a file
    // with only the required columns must leave both as they are (their defaults would differ).
    const report = await importReference(t.db, [
      csv("contracts.csv", "contract_id,provider_id,title,start_date\nCON-RIV-25,RIV,16+ Supported Accommodation DPS 2025 Lot 1,2025-04-01\nCON-BRF-24,BRF,Kestrel Vale IFA Framework 2024 (Brightfield),2024-04-01\n"),
    ], { authorityId: 1 });
    expect(report.outcome).toBe("applied");
    expect(report.files[0]?.updates.map((u) => [u.label, u.changes])).toEqual([
      ["CON-RIV-25", [{ column: "title", before: "16+ Supported Accommodation DPS 2025 Lot 1 (accommodation with support)", after: "16+ Supported Accommodation DPS 2025 Lot 1" }]],
    ]);
    const contracts = (await loadReferenceData(t.db.knex, 1)).contracts;
    expect(contracts.find((c) => c.contractId === "CON-RIV-25")).toMatchObject({ vatExempt: false, endDate: null, absenceRetainerPct: "100" });
    expect(contracts.find((c) => c.contractId === "CON-BRF-24")).toMatchObject({ vatExempt: true, endDate: "2028-03-31", absenceRetainerPct: "80", absenceRetainerMaxNights: 14, payDepartureDay: false });
  });

  it("a blank cell in a column the file has does change the field, and the preview says so (before → after)", async () => {
    const report = await importReference(t.db, [csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date,po_number\nPL-2004,C1004,BRF,CON-BRF-24,2026-02-09,\n")], { authorityId: 1, dryRun: true });
    expect(report.files[0]?.updates.map((u) => u.changes)).toEqual([[{ column: "po_number", before: "PO-410204", after: null }]]);
  });
});

describe("import checks: warnings where dates no longer fit, refusals where a rate would be a guess", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    expect((await importReference(t.db, sampleFiles(), { authorityId: 1 })).ok).toBe(true);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("a contract shortened so that its placements fall outside it is loaded, with a warning naming them", async () => {
    // CON-CED-23 (Cedar House) shortened to 30 June 2026: PL-5001 (ongoing since 2025) and the
    // placements that started after it fall outside; PL-5005 left on 26 June 2026 and is covered.
    const report = await importReference(t.db, [csv("contracts.csv", "contract_id,provider_id,title,start_date,end_date\nCON-CED-23,CED,Cedar House Block Contract 2023,2023-10-01,2026-06-30\n")], { authorityId: 1, today: "2026-12-07" });
    expect(report.outcome).toBe("applied");
    expect(report.ok).toBe(true);
    expect(report.files[0]?.warnings.map((w) => w.message)).toEqual([
      'contracts.csv row 2, end_date: contract "CON-CED-23" (2023-10-01 to 2026-06-30) no longer covers placements "PL-5001" (2025-02-03 to ongoing), "PL-5002" (2026-05-05 to ongoing), "PL-5003" (2026-07-27 to ongoing), "PL-5004" (2026-09-07 to ongoing) under it',
    ]);
    // A placement file naming that contract says the same from the placement's side.
    const placements = await importReference(t.db, [csv("placements.csv", "placement_id,child_ref,provider_id,contract_id,start_date\nPL-5004,C4004,CED,CON-CED-23,2026-09-07\n")], { authorityId: 1, dryRun: true, today: "2026-12-07" });
    expect(placements.files[0]?.warnings.map((w) => w.message)).toEqual([
      'placements.csv row 2, start_date: placement "PL-5004" (2026-09-07 to ongoing) runs outside its contract "CON-CED-23" (2023-10-01 to 2026-06-30)',
    ]);
  });

  it("two rate-card rows for the same item and level from the same date are refused: in one file, or in two files of one import", async () => {
    const header = "contract_id,item,service_level,unit,rate,effective_from\n";
    const inOneFile = await importReference(t.db, [csv("rates.csv", `${header}CON-HIL-25,placement,standard,week,4200,2027-04-01\nCON-HIL-25,placement,standard,week,4350,2027-04-01\n`)], { authorityId: 1 });
    expect(inOneFile.outcome).toBe("refused_problems");
    expect(inOneFile.files[0]?.errors.map((e) => e.message)).toEqual([
      'rates.csv row 3: repeats the rate on row 2 (contract_id "CON-HIL-25", item "placement", service_level "standard", effective_from "2027-04-01"): which of the two is in force from that date would be a guess',
    ]);
    const inTwoFiles = await importReference(t.db, [
      csv("rates.csv", `${header}CON-HIL-25,placement,standard,week,4200,2027-04-01\n`),
      csv("rates uplift 2027.csv", `${header}CON-HIL-25,placement,Standard,weekly,4350,01/04/2027\n`),
    ], { authorityId: 1 });
    expect(inTwoFiles.outcome).toBe("refused_problems");
    expect(inTwoFiles.files.flatMap((f) => f.errors.map((e) => e.message))).toEqual([
      'rates uplift 2027.csv row 2, effective_from: rates.csv row 2 also gives a rate for contract "CON-HIL-25", placement standard, from 2027-04-01: which one is in force would be a guess',
    ]);
  });
});
