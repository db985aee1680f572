/**
 * Writes a synthetic authority of a given size to a folder: the DATA.md reference tables
 * (reference/*.csv) and the providers' invoices (invoices/*), CSV, XLSX and PDF in turn, plus
 * planted.json with the errors planted in them (bench/generate/invoices.ts lists the mix).
 * Deterministic: the same --seed and --lines give the same files.
 *
 *   npx tsx bench/generate.ts --lines 2000 --out /tmp/authority [--seed 1] [--formats csv,xlsx,pdf]
 *
 * Then: placement-audit import /tmp/authority/reference && placement-audit ingest /tmp/authority/invoices
 *
 * PDF and XLSX are slow to draw: for more than 20,000 lines only CSV is written unless
 * --formats says otherwise. (The audit benchmarks insert generated invoices straight into the
 * database instead: bench/generate/insert.ts.)
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generateAuthority } from "./generate/authority.js";
import { invoiceStream } from "./generate/invoices.js";
import { placementsFor } from "./generate/sizing.js";
import { writeInvoiceFile, writeReferenceFiles, type InvoiceFormat } from "./generate/write-files.js";
import { argValue, formatRate, seconds } from "./support.js";

export interface GeneratedFiles {
  referenceFiles: string[];
  invoiceFiles: string[];
  lines: number;
  planted: Record<string, number>;
}

/** Generates and writes; credit notes are left out of the files (they are in the database path only). */
export async function generateFiles(options: { lines: number; seed: number; out: string; formats: readonly InvoiceFormat[] }): Promise<GeneratedFiles> {
  const authority = generateAuthority(placementsFor(options.lines), options.seed);
  const referenceFiles = writeReferenceFiles(path.join(options.out, "reference"), authority.reference);
  const invoiceDir = path.join(options.out, "invoices");
  fs.mkdirSync(invoiceDir, { recursive: true });
  const stream = invoiceStream(authority, options.lines, options.seed);
  const invoiceFiles: string[] = [];
  let lines = 0;
  let n = 0;
  for (const invoice of stream.invoices) {
    if (invoice.kind === "credit_note") continue;
    const format = options.formats[n++ % options.formats.length] as InvoiceFormat;
    invoiceFiles.push(await writeInvoiceFile(invoiceDir, invoice, format, authority.reference));
    lines += invoice.lines.length;
  }
  fs.writeFileSync(path.join(options.out, "planted.json"), `${JSON.stringify({ seed: options.seed, lines, invoices: invoiceFiles.length, planted: stream.planted }, null, 2)}\n`);
  return { referenceFiles, invoiceFiles, lines, planted: stream.planted };
}

async function main(): Promise<void> {
  const lines = Number(argValue("--lines") ?? 2_000);
  const seed = Number(argValue("--seed") ?? 1);
  const out = argValue("--out");
  if (!out) throw new Error("give --out <folder>");
  const formats = (argValue("--formats") ?? (lines > 20_000 ? "csv" : "csv,xlsx,pdf")).split(",") as InvoiceFormat[];
  for (const format of formats) if (!["csv", "xlsx", "pdf"].includes(format)) throw new Error(`unknown format ${format}`);
  const started = performance.now();
  const result = await generateFiles({ lines, seed, out, formats });
  console.log(
    `wrote ${result.referenceFiles.length} reference tables and ${result.invoiceFiles.length} invoices (${formatRate(result.lines)} lines, ${formats.join("/")}) to ${out} in ${seconds(started).toFixed(1)} s`,
  );
  console.log(`planted: ${Object.entries(result.planted).map(([rule, n]) => `${rule} ${n}`).join(", ")}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
