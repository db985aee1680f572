/**
 * Reference import benchmark: generates an authority with 50,000 placements (plus a fee change
 * for each and an absence for every other one), imports it on the embedded database and, when
 * DATABASE_URL is set, on PostgreSQL (in a new database that is dropped afterwards). Prints
 * figures; asserts nothing.
 *
 *   npx tsx bench/import.bench.ts [--quick] [--postgres-only]
 *
 * --quick: 5,000 placements. --postgres-only: skip the embedded database. BENCH_LOG=1 prints
 * the import's own log lines (time per file).
 *
 * Target (issue 3): 50k placements + fees + absences in under 10 s on real PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "../src/db/connection.js";
import { adminQuery } from "./databases.js";
import { migrateLatest } from "../src/db/migrate.js";
import { addDays } from "../src/domain/dates.js";
import { createLogger } from "../src/logger.js";
import { importReference, type ImportFileInput, type ImportReport } from "../src/services/import-reference.js";

const quick = process.argv.includes("--quick");
const postgresOnly = process.argv.includes("--postgres-only");
const PLACEMENTS = quick ? 5_000 : 50_000;
const PROVIDERS = 200;

/** The generated authority: `placements` placements, a fee change each, an absence for every other one. */
export function generateReferenceFiles(placementCount: number): ImportFileInput[] {
  const lines = (header: string, rows: string[]): ImportFileInput["bytes"] => Buffer.from(`${header}\n${rows.join("\n")}\n`, "utf8");
  const providers: string[] = [];
  const contracts: string[] = [];
  const rates: string[] = [];
  for (let p = 0; p < PROVIDERS; p += 1) {
    providers.push(`PR${p},Provider ${p} Ltd,${p % 2 === 0 ? "ifa" : "residential"},GB${String(100000000 + p)},Provider ${p}|P${p} Care`);
    contracts.push(`CO${p},PR${p},Framework ${p},2024-04-01,,${p % 3 === 0 ? "true" : "false"},80,14,true`);
    for (const [level, fee] of [["standard", 900], ["enhanced", 1200], ["complex", 2500]] as const) {
      rates.push(`CO${p},placement,${level},week,${fee + p}.00,2024-04-01,2025-03-31`);
      rates.push(`CO${p},placement,${level},week,${fee + p + 30}.50,2025-04-01,`);
    }
    rates.push(`CO${p},one_to_one_hour,,hour,24.50,2024-04-01,`);
  }
  const placements: string[] = [];
  const fees: string[] = [];
  const absences: string[] = [];
  for (let i = 0; i < placementCount; i += 1) {
    const provider = i % PROVIDERS;
    // Two placements per child with one provider, one after the other (a move on day 200).
    const child = Math.floor(i / 2);
    const first = i % 2 === 0;
    const start = first ? addDays("2025-01-01", child % 300) : addDays("2025-01-01", (child % 300) + 200);
    const end = first ? addDays(start, 200) : "";
    const level = ["standard", "enhanced", "complex"][i % 3] ?? "standard";
    placements.push(`PL${i},CH${child},PR${provider},CO${provider},${level},${start},${end},${i % 10 === 0 ? `£${1000 + (i % 500)}.00` : ""},${i % 7 === 0 ? `SG${child}` : ""},PO-${i}`);
    fees.push(`PL${i},${addDays(start, 30)},${950 + (i % 400)}.25`);
    if (i % 2 === 0) absences.push(`PL${i},${addDays(start, 40)},${addDays(start, 43)},${["hospital", "missing", "respite"][i % 3] ?? "other"}`);
  }
  return [
    { name: "providers.csv", bytes: lines("provider_id,name,kind,vat_number,aliases", providers) },
    { name: "contracts.csv", bytes: lines("contract_id,provider_id,title,start_date,end_date,pay_departure_day,absence_retainer_pct,absence_retainer_max_nights,vat_exempt", contracts) },
    { name: "rates.csv", bytes: lines("contract_id,item,service_level,unit,rate,effective_from,effective_to", rates) },
    { name: "placements.csv", bytes: lines("placement_id,child_ref,provider_id,contract_id,service_level,start_date,end_date,weekly_fee,sibling_group,po_number", placements) },
    { name: "placement_fees.csv", bytes: lines("placement_id,effective_from,weekly_fee", fees) },
    { name: "absences.csv", bytes: lines("placement_id,from_date,to_date,reason", absences) },
  ];
}

function summary(report: ImportReport): string {
  if (!report.ok) {
    const first = report.files.flatMap((f) => f.errors).slice(0, 3).map((e) => e.message);
    return `NOT OK: ${first.join("; ")}`;
  }
  const totals = Object.values(report.tables).reduce(
    (sum, c) => ({ inserted: sum.inserted + c.inserted, updated: sum.updated + c.updated, unchanged: sum.unchanged + c.unchanged }),
    { inserted: 0, updated: 0, unchanged: 0 },
  );
  return `${totals.inserted} inserted, ${totals.updated} updated, ${totals.unchanged} unchanged`;
}

async function timed(label: string, db: Database, files: ImportFileInput[]): Promise<void> {
  const started = performance.now();
  const report = await importReference(db, files, { logger: process.env.BENCH_LOG ? createLogger("debug") : undefined });
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s   ${summary(report)}`);
}

async function runOn(name: string, db: Database, files: ImportFileInput[]): Promise<void> {
  console.log(`${name}:`);
  await migrateLatest(db.knex);
  await timed("first import (all inserted)", db, files);
  await timed("same files again (all unchanged)", db, files);
  // One fee in ten changed: the update path.
  const fees = files.find((f) => f.name === "placement_fees.csv");
  if (fees) {
    const changed = fees.bytes
      .toString("utf8")
      .split("\n")
      .map((line, i) => (i > 0 && i % 10 === 0 && line ? line.replace(/\.25$/, ".75") : line))
      .join("\n");
    await timed("placement_fees, 10% changed", db, [{ name: "placement_fees.csv", bytes: Buffer.from(changed) }]);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const files = generateReferenceFiles(PLACEMENTS);
  const rows = files.map((f) => `${f.name.replace(".csv", "")} ${f.bytes.toString("utf8").split("\n").length - 2}`).join(", ");
  console.log(`Generated ${rows} in ${((performance.now() - started) / 1000).toFixed(2)} s (${(files.reduce((n, f) => n + f.bytes.length, 0) / 1024 / 1024).toFixed(1)} MB of CSV)`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-bench-import-"));
  if (!postgresOnly) {
    const embedded = await openDatabase({ databaseUrl: null, dataDir });
    try {
      await runOn("embedded (PGlite)", embedded, files);
    } finally {
      await embedded.close();
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });

  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.log("PostgreSQL: skipped (set DATABASE_URL to a server where a database may be created)");
    return;
  }
  const database = `pa_bench_${randomBytes(4).toString("hex")}`;
  const admin = (sql: string): Promise<void> => adminQuery(serverUrl, sql);
  await admin(`create database ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const postgres = await openDatabase({ databaseUrl: url.toString(), dataDir });
  try {
    await runOn(`PostgreSQL (${url.host}, database ${database}, dropped after)`, postgres, files);
  } finally {
    await postgres.close();
    await admin(`drop database if exists ${database} with (force)`);
  }
}

// Run when executed (npx tsx bench/import.bench.ts), not when imported for its generator.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
