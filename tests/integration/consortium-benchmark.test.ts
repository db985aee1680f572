import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { buildConsortiumWorkbook, serviceName } from "../../src/reports/consortium.workbook.js";
import { consortiumBenchmarkFor, type ConsortiumBenchmark, type MeasureFigures } from "../../src/services/consortium/consortium-benchmark.js";
import { loadConsortiumDemo, type ConsortiumDemoResult } from "../../src/services/demo/consortium-demo.js";
import { createHash } from "node:crypto";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { Readable } from "node:stream";
import type { CommandContext } from "../../src/cli/command.js";
import { reportCommand } from "../../src/cli/commands/report.js";
import { settingsFromEnv } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { Capture } from "../support/cli.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";

const SAMPLES = path.resolve(import.meta.dirname, "../../samples");
const CONSORTIUM_DIR = path.join(SAMPLES, "consortium");

/** samples/consortium/EXPECTED.json: worked from the sample files by work_expected.py, not by the engine. */
interface ExpectedMeasure {
  placements: number | null;
  median: string | null;
  low: string | null;
  high: string | null;
  members: Record<string, { median: string | null; difference: string | null; difference_pct: string | null }>;
}
interface ExpectedGroup {
  provider: string;
  item: string;
  service_level: string;
  unit: string;
  framework_rate: string | null;
  annual_uplift_pct: string;
  paid: ExpectedMeasure;
  charged: ExpectedMeasure;
  charged_over_framework: string | null;
  charged_over_framework_pct: string | null;
  drift: Record<string, string | null>;
  drift_change_pct: string | null;
  drift_above_uplift: boolean;
}
const EXPECTED = JSON.parse(fs.readFileSync(path.join(CONSORTIUM_DIR, "EXPECTED.json"), "utf8")) as { quarter: string; groups: ExpectedGroup[] };
const MANIFEST = JSON.parse(fs.readFileSync(path.join(CONSORTIUM_DIR, "consortium.json"), "utf8")) as { councils: { code: string; name: string }[] };
const codeOf = (name: string): string => MANIFEST.councils.find((c) => c.name === name)?.code ?? name;

/** The benchmark's figures in EXPECTED.json's shape. */
function asExpected(benchmark: ConsortiumBenchmark): ExpectedGroup[] {
  const measure = (m: MeasureFigures): ExpectedMeasure => ({
    placements: m.placements,
    median: m.median,
    low: m.low,
    high: m.high,
    members: Object.fromEntries(m.members.map((member) => [codeOf(member.member), { median: member.median, difference: member.difference, difference_pct: member.differencePct }])),
  });
  return benchmark.services.map((s) => {
    const q2 = s.drift.find((q) => q.quarter === "2026-Q2");
    const q3 = s.drift.find((q) => q.quarter === "2026-Q3");
    return {
      provider: s.providerId,
      item: s.item,
      service_level: s.serviceLevel,
      unit: s.unit,
      framework_rate: s.frameworkRate,
      annual_uplift_pct: s.annualUpliftPct ?? "",
      paid: measure(s.paid),
      charged: measure(s.charged),
      charged_over_framework: s.chargedOverFramework,
      charged_over_framework_pct: s.chargedOverFrameworkPct,
      drift: { "2026-Q2": q2?.median ?? null, "2026-Q3": q3?.median ?? null },
      drift_change_pct: q3?.changePct ?? null,
      drift_above_uplift: s.driftAboveUplift,
    };
  });
}

describe("the consortium demo: framework audit and the benchmark against the hand-worked table", () => {
  let t: TestDatabase;
  let demo: ConsortiumDemoResult;
  const council = (code: string): number => demo.councils.find((c) => c.code === code)?.authorityId ?? 0;
  beforeAll(async () => {
    t = await openTestDatabase();
    demo = await loadConsortiumDemo(t.db, { samplesDir: SAMPLES, dataDir: t.dataDir, password: "demo-password-123" });
  }, 300_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it("loads the framework once, for the consortium, not into any member's contracts", async () => {
    const framework = await t.db.knex("framework_contracts").orderBy("contract_id").select("contract_id", "annual_uplift_pct");
    expect(framework).toEqual([
      { contract_id: "FW-HAV", annual_uplift_pct: "3.0000" },
      { contract_id: "FW-OAK", annual_uplift_pct: "2.5000" },
      { contract_id: "FW-STE", annual_uplift_pct: "3.0000" },
    ]);
    expect(await t.db.knex("contracts").whereIn("authority_id", demo.councils.map((c) => c.authorityId)).count<{ count: string }[]>("* as count")).toEqual([{ count: "0" }]);
  });

  it("audits a member's placement against the framework's rates to the penny", async () => {
    const finding = async (authorityId: number, childRef: string, invoiceNumber: string): Promise<{ rule: string; amount: string }[]> =>
      t.db.knex("findings as f").join("invoices as i", "i.id", "f.invoice_id").where({ "f.authority_id": authorityId, "f.child_ref": childRef, "i.invoice_number": invoiceNumber }).orderBy("f.rule").select("f.rule", "f.amount");
    // ALD-P014 has no weekly fee: the framework's Oakfield standard rate, £4,200.00 a week (£600.00 a night), applies.
    // July billed 31 nights at £636.00 = £19,716.00 against 31 × £600.00 = £18,600.00: £1,116.00 above.
    expect(await finding(council("ALD"), "ALD-C014", "OAK-ALD-202607")).toEqual([{ rule: "rate-above-agreed", amount: "1116.00" }]);
    // Its June invoice billed the framework rate exactly: no finding.
    expect(await finding(council("ALD"), "ALD-C014", "OAK-ALD-202606")).toEqual([]);
    // ALD-P001 (Haven, standard, framework £903.00 a week = £129.00 a night) billed at £129.00: none.
    expect(await finding(council("ALD"), "ALD-C001", "HAV-ALD-202607")).toEqual([]);
    // BRM-P001 agreed £917.00 a week (£131.00 a night) under the framework contract, billed £133.00: 31 × £2.00.
    expect(await finding(council("BRM"), "BRM-C001", "HAV-BRM-202607")).toEqual([{ rule: "rate-above-agreed", amount: "62.00" }]);
  });

  it("gives the figures of samples/consortium/EXPECTED.json, suppressed where it says", async () => {
    const benchmark = await consortiumBenchmarkFor(t.db, council("ALD"));
    expect(benchmark.quarter).toBe(EXPECTED.quarter);
    expect(asExpected(benchmark)).toEqual(EXPECTED.groups);
  });

  it("carries no child, placement or invoice reference, and every member reads the same figures", async () => {
    const benchmark = await consortiumBenchmarkFor(t.db, council("CRS"));
    const text = JSON.stringify(benchmark);
    expect(text).not.toMatch(/-C\d{3}|-P\d{3}|PO-|HAV-ALD|OAK-BRM/);
    expect(asExpected(benchmark)).toEqual(EXPECTED.groups);
  });

  it("refuses a council outside the consortium (the database function checks app.authority_id)", async () => {
    await expect(consortiumBenchmarkFor(t.db, 1)).rejects.toMatchObject({ code: "not_found" });
    const consortiumId = demo.consortiumId;
    await expect(
      t.db.knex.transaction(async (trx) => {
        await trx.raw("select set_config('app.authority_id', '1', true)");
        await trx.raw("select * from consortium_price_benchmark(?::integer, '2026-07-01', '2026-09-30')", [consortiumId]);
      }),
    ).rejects.toThrow(/not a member/);
  });

  it("answers a role that can read no member's rows (SECURITY DEFINER), so it keeps working under row-level security", async () => {
    const role = `k23_probe_${process.pid}`;
    await t.db.knex.raw(`create role ${role} nologin`);
    try {
      const figures = await t.db.knex.transaction(async (trx) => {
        await trx.raw(`set local role ${role}`);
        await trx.raw("select set_config('app.authority_id', ?, true)", [String(council("BRM"))]);
        // In a savepoint: the refusal aborts only it, not the transaction.
        await expect(trx.transaction(async (inner) => inner.raw("select count(*) from placements"))).rejects.toThrow(/permission denied/);
        return trx.raw<{ rows: { median: string | null }[] }>(
          "select median from consortium_price_benchmark(?::integer, '2026-07-01', '2026-09-30') where member_id is null and provider_id = 'OAK' and service_level = 'standard' and measure = 'paid'",
          [demo.consortiumId],
        );
      });
      expect(figures.rows).toEqual([{ median: "4217.50" }]);
    } finally {
      await t.db.knex.raw(`drop role ${role}`);
    }
  });

  it("writes the same figures into the workbook (report consortium), suppressed cells in words", async () => {
    const benchmark = await consortiumBenchmarkFor(t.db, council("BRM"));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await buildConsortiumWorkbook(benchmark).xlsx.writeBuffer());
    const sheet = workbook.getWorksheet("Prices");
    if (!sheet) throw new Error("no Prices sheet");
    const cells = new Map<string, unknown>();
    sheet.eachRow((row) => {
      const values = row.values as unknown[];
      cells.set([values[1], values[4], values[5], values[6]].map(String).join("|"), values[8]);
    });
    const nameOf = (code: string): string => MANIFEST.councils.find((c) => c.code === code)?.name ?? code;
    const asCell = (value: string | null): unknown => (value === null ? "fewer than 5 placements" : Number(value));
    let checked = 0;
    for (const group of EXPECTED.groups) {
      const service = serviceName({ item: group.item, serviceLevel: group.service_level, unit: group.unit });
      for (const [measure, label] of [["paid", "Paid"], ["charged", "Charged"]] as const) {
        expect(cells.get([group.provider, service, label, "Consortium"].join("|"))).toEqual(asCell(group[measure].median));
        for (const [code, figure] of Object.entries(group[measure].members)) {
          expect(cells.get([group.provider, service, label, nameOf(code)].join("|"))).toEqual(asCell(figure.median));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(JSON.stringify([...cells.keys()])).not.toMatch(/-C\d{3}|-P\d{3}/);
  });

  it("leaves a member's findings as they were before the other members joined (hash of its findings)", async () => {
    // The demo audits Alderbrook before Bramwick's and Cressmoor's data exist; re-audited with them all there, nothing changes.
    const hash = async (): Promise<string> => {
      const rows = await t.db.knex("findings as f").join("invoices as i", "i.id", "f.invoice_id").where("f.authority_id", council("ALD")).whereNot("f.status", "superseded")
        .orderBy([{ column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.rule" }]).select("i.invoice_number", "f.line_no", "f.rule", "f.child_ref", "f.amount", "f.status");
      return createHash("sha256").update(JSON.stringify(rows)).digest("hex");
    };
    const before = await hash();
    const flagged = await t.db.knex("findings").where({ authority_id: council("ALD") }).sum<{ total: string }[]>({ total: "amount" });
    // 7 Oakfield placements charged 6% more a night from July: £36, £36, £37, £36, £37 (standard) and £48, £48 (complex)
    // above agreed = £278 a night × 92 nights (Jul 31 + Aug 31 + Sep 30) = £25,576.00.
    expect(flagged).toEqual([{ total: "25576.00" }]);
    await runAudit(t.db, { scope: { kind: "all" }, authorityId: council("ALD") });
    expect(await hash()).toBe(before);
  });

  it("writes the workbook from the command line (report consortium), and a second demo run changes nothing", async () => {
    const out = path.join(tempDir("consortium-report"), "prices.xlsx");
    const stdout = new Capture();
    const context: CommandContext = {
      settings: settingsFromEnv(), logger: silentLogger(), stdout, stderr: new Capture(), stdin: Readable.from([]),
      database: () => Promise.resolve(t.db), authorityId: () => Promise.reject(new Error("report consortium needs no authority")),
      deployment: () => Promise.resolve(t.db), chosenAuthorityId: () => Promise.resolve(null),
    };
    expect(await reportCommand.run(["consortium", "--consortium", "NWC", "--quarter", "2026-Q3", "--out", out], context)).toBe(0);
    expect(stdout.text).toContain("Jul to Sep 2026, 6 services");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(["Prices", "Drift", "Notes"]);

    const findings = await t.db.knex("findings").count<{ n: string }[]>({ n: "*" });
    const again = await loadConsortiumDemo(t.db, { samplesDir: SAMPLES, dataDir: t.dataDir, password: "demo-password-123" });
    expect(again.framework.changed).toBe(false);
    expect(again.councils.map((c) => c.invoicesRead)).toEqual([0, 0, 0]);
    expect(again.usersCreated).toEqual([]);
    expect(await t.db.knex("findings").count<{ n: string }[]>({ n: "*" })).toEqual(findings);
  });
});
