/**
 * The audit engine alone, in memory (no database): builds the reference index and feeds the
 * generated invoices to one AuditSession, in audit order. Prints lines per second of CPU and
 * the findings by rule beside the errors the generator planted. Asserts nothing.
 *
 *   npx tsx bench/engine.bench.ts [--lines N] [--seed S] [--repeat R]
 *
 * Profile it with: node --import tsx --cpu-prof --cpu-prof-dir=.tmp/prof bench/engine.bench.ts --lines 100000
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AuditSession, buildReferenceIndex, resolveCreditNotes, sortForAudit, type AuditInvoice, type InvoiceAuditResult } from "../src/audit/index.js";
import { WATERFALL } from "../rules/index.js";
import { defaultRulesConfig } from "../src/services/audit/run-audit.js";
import { generateAuthority } from "./generate/authority.js";
import { invoiceStream, type GeneratedInvoice } from "./generate/invoices.js";
import { placementsFor } from "./generate/sizing.js";
import { argValue, formatRate, peakRssMb } from "./support.js";

export interface EngineFigures {
  lines: number;
  invoices: number;
  seconds: number;
  linesPerSecond: number;
  /** CPU seconds of the process (user + system) over the pass: on a shared machine, nearer the engine's own cost than the wall clock. */
  cpuSeconds: number;
  linesPerCpuSecond: number;
  findings: number;
  byRule: Record<string, number>;
  planted: Record<string, number>;
}

export function generateInMemory(lines: number, seed: number): { invoices: AuditInvoice[]; planted: Record<string, number>; authority: ReturnType<typeof generateAuthority> } {
  const authority = generateAuthority(placementsFor(lines), seed);
  const stream = invoiceStream(authority, lines, seed);
  const invoices: AuditInvoice[] = [];
  let key = 0;
  for (const invoice of stream.invoices) invoices.push(toAuditInvoice(invoice, String(++key)));
  return { invoices, planted: stream.planted, authority };
}

function toAuditInvoice(invoice: GeneratedInvoice, key: string): AuditInvoice {
  const { fileName: _fileName, ...rest } = invoice;
  return { ...rest, key };
}

/**
 * One pass of the engine over the invoices, as runAudit does it: credit notes resolved first,
 * then each invoice in audit order; `each` sees every invoice with what the audit said.
 */
export function auditEach(authority: ReturnType<typeof generateAuthority>, invoices: readonly AuditInvoice[], each: (invoice: AuditInvoice, result: InvoiceAuditResult) => void): number {
  const index = buildReferenceIndex(authority.reference);
  const credits = invoices.filter((i) => i.kind === "credit_note");
  const ordered = sortForAudit(invoices.filter((i) => i.kind === "invoice"));
  const resolution = resolveCreditNotes(credits, ordered.map((i) => ({ key: i.key, providerId: i.providerId, invoiceNumber: i.invoiceNumber, total: i.total, invoiceDate: i.invoiceDate })));
  // Without per-line summaries, as the service's bulk run (audit-partition.ts) has it.
  const session = new AuditSession(index, defaultRulesConfig(), { voidedInvoiceKeys: resolution.voidedInvoiceKeys, waterfall: WATERFALL, lineSummaries: false });
  for (const invoice of ordered) each(invoice, session.audit(invoice));
  return ordered.length;
}

/** One timed pass of the engine, with the findings counted by rule. */
export function auditInMemory(authority: ReturnType<typeof generateAuthority>, invoices: readonly AuditInvoice[]): Omit<EngineFigures, "planted"> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const byRule: Record<string, number> = {};
  let lines = 0;
  let findings = 0;
  const audited = auditEach(authority, invoices, (invoice, result) => {
    lines += invoice.lines.length;
    findings += result.findings.length;
    for (const f of result.findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { lines, invoices: audited, seconds, linesPerSecond: lines / seconds, cpuSeconds, linesPerCpuSecond: lines / cpuSeconds, findings, byRule };
}

function main(): void {
  const lines = Number(argValue("--lines") ?? 100_000);
  const seed = Number(argValue("--seed") ?? 1);
  const repeat = Number(argValue("--repeat") ?? 1);
  const started = performance.now();
  const { invoices, planted, authority } = generateInMemory(lines, seed);
  console.log(`generated ${invoices.length} invoices, ${invoices.reduce((n, i) => n + i.lines.length, 0)} lines, ${authority.placements.length} placements in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (let i = 0; i < repeat; i++) {
    const figures = auditInMemory(authority, invoices);
    console.log(`engine: ${figures.lines} lines in ${figures.seconds.toFixed(2)} s = ${formatRate(figures.linesPerSecond)} lines/s (CPU ${figures.cpuSeconds.toFixed(2)} s = ${formatRate(figures.linesPerCpuSecond)} lines/s, ${((1e6 * figures.cpuSeconds) / figures.lines).toFixed(1)} µs/line); ${figures.findings} findings; peak RSS ${peakRssMb()} MB`);
    if (i === repeat - 1) {
      const rules = [...new Set([...Object.keys(figures.byRule), ...Object.keys(planted)])].sort();
      console.log(`  ${"rule".padEnd(30)} ${"found".padStart(8)} ${"planted".padStart(8)}`);
      for (const rule of rules) console.log(`  ${rule.padEnd(30)} ${String(figures.byRule[rule] ?? 0).padStart(8)} ${String(planted[rule] ?? 0).padStart(8)}`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
