/**
 * The audit engine alone, in memory (no database): builds the reference index and feeds the
 * generated invoices to one AuditSession, in audit order. Prints lines per second of CPU and
 * the findings by rule beside the errors the generator planted. Asserts nothing.
 *
 * The figure judged (issue 24: "engine alone >= 150k lines/s on one core") is the steady
 * engine: the median CPU time per line of the warm passes, i.e. every pass after the first.
 * The first pass is printed too, marked cold: it includes V8 compiling and optimising the
 * engine (2-3 x a warm pass), which a long audit run pays once. Each pass builds its own
 * reference index and session, as a run does. CPU time (user + system of this single-threaded
 * process) rather than the wall clock, because the machine is shared.
 *
 *   npx tsx bench/engine.bench.ts [--lines N] [--seed S] [--repeat R]    (R passes, default 5)
 *   npx tsx bench/engine.bench.ts --profile .tmp/engine.cpuprofile          (the warm passes only)
 *
 * Summarise a profile with bench/profile-summary.ts FILE --under auditInMemory.
 */
import fs from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AuditSession, buildReferenceIndex, resolveCreditNotes, sortForAudit, type AuditInvoice, type InvoiceAuditResult } from "../src/audit/index.js";
import { WATERFALL } from "../rules/index.js";
import { defaultRulesConfig } from "../src/services/audit/run-audit.js";
import { generateAuthority } from "./generate/authority.js";
import { invoiceStream, type GeneratedInvoice } from "./generate/invoices.js";
import { placementsFor } from "./generate/sizing.js";
import { argValue, formatRate, loadText, peakRssMb } from "./support.js";

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

/** CPU microseconds per line of a pass. */
export function cpuMicrosPerLine(figures: Pick<EngineFigures, "cpuSeconds" | "lines">): number {
  return (1e6 * figures.cpuSeconds) / figures.lines;
}

/** The median of the warm passes (every pass after the first) by CPU per line; null with fewer than two passes. */
export function medianWarmPass<T extends Pick<EngineFigures, "cpuSeconds" | "lines">>(passes: readonly T[]): T | null {
  const warm = passes.slice(1).sort((a, b) => cpuMicrosPerLine(a) - cpuMicrosPerLine(b));
  return warm.length === 0 ? null : (warm[(warm.length - 1) >> 1] as T);
}

function main(): void {
  const lines = Number(argValue("--lines") ?? 100_000);
  const seed = Number(argValue("--seed") ?? 1);
  const repeat = Math.max(1, Number(argValue("--repeat") ?? 5));
  const started = performance.now();
  const { invoices, planted, authority } = generateInMemory(lines, seed);
  console.log(`generated ${invoices.length} invoices, ${invoices.reduce((n, i) => n + i.lines.length, 0)} lines, ${authority.placements.length} placements in ${((performance.now() - started) / 1000).toFixed(1)} s; ${loadText()}`);
  const passes: Omit<EngineFigures, "planted">[] = [];
  const profileFile = argValue("--profile");
  const profiler = profileFile === undefined ? null : new Session();
  for (let i = 0; i < repeat; i++) {
    // The V8 profiler, when asked for, samples the warm passes only (it starts after the first).
    if (i === 1 && profiler !== null) {
      profiler.connect();
      profiler.post("Profiler.enable");
      profiler.post("Profiler.setSamplingInterval", { interval: 100 });
      profiler.post("Profiler.start");
    }
    const figures = auditInMemory(authority, invoices);
    passes.push(figures);
    const label = i === 0 ? "pass 1 (cold: JIT warm-up)" : `pass ${i + 1} (warm)`;
    console.log(`${label.padEnd(27)} ${figures.lines} lines: CPU ${figures.cpuSeconds.toFixed(2)} s = ${cpuMicrosPerLine(figures).toFixed(2)} µs/line = ${formatRate(figures.linesPerCpuSecond)} lines/s; wall ${figures.seconds.toFixed(2)} s; ${figures.findings} findings; peak RSS ${peakRssMb()} MB`);
  }
  if (profiler !== null && profileFile !== undefined && repeat > 1) {
    // An in-process inspector session answers synchronously.
    profiler.post("Profiler.stop", (error, result) => {
      if (error) throw error;
      fs.writeFileSync(profileFile, JSON.stringify(result.profile));
      console.log(`profile of the warm passes: ${profileFile}`);
    });
  }
  const median = medianWarmPass(passes);
  if (median === null) console.log("warm: give --repeat 2 or more (the first pass is cold)");
  else {
    const perLine = cpuMicrosPerLine(median);
    console.log(
      `warm engine, median of ${passes.length - 1} warm passes: ${perLine.toFixed(2)} µs CPU per line = ${formatRate(median.linesPerCpuSecond)} lines/s on one core ` +
        `(target ≥ 150,000 lines/s, ≤ 6.67 µs: ${perLine <= 1e6 / 150_000 ? "met" : "missed"}); ${loadText()}`,
    );
  }
  const last = passes[passes.length - 1] as Omit<EngineFigures, "planted">;
  const rules = [...new Set([...Object.keys(last.byRule), ...Object.keys(planted)])].sort();
  console.log(`  ${"rule".padEnd(30)} ${"found".padStart(8)} ${"planted".padStart(8)}`);
  for (const rule of rules) console.log(`  ${rule.padEnd(30)} ${String(last.byRule[rule] ?? 0).padStart(8)} ${String(planted[rule] ?? 0).padStart(8)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
