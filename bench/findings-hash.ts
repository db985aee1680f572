/**
 * One SHA-256 over everything the engine says about the synthetic authority: every finding
 * (invoice, line, rule, category, child, amount, charged, expected, explanation, evidence) and
 * every note, invoice by invoice in audit order. A restructure of the engine or the rules must
 * leave it unchanged; compare the figure before and after.
 *
 *   npx tsx bench/findings-hash.ts [--lines 100000] [--seed 1]
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AuditInvoice, InvoiceAuditResult } from "../src/audit/index.js";
import { auditEach, generateInMemory } from "./engine.bench.js";
import { argValue } from "./support.js";

export interface FindingsHash {
  invoices: number;
  findings: number;
  notes: number;
  findingsSha256: string;
  notesSha256: string;
}

export function findingsHash(lines: number, seed: number): FindingsHash {
  const { invoices, authority } = generateInMemory(lines, seed);
  const findings = createHash("sha256");
  const notes = createHash("sha256");
  let audited = 0;
  let findingCount = 0;
  let noteCount = 0;
  auditEach(authority, invoices, (invoice: AuditInvoice, result: InvoiceAuditResult) => {
    audited++;
    for (const f of result.findings) {
      findingCount++;
      findings.update(`${JSON.stringify([invoice.key, f.lineNo, f.rule, f.category, f.childRef, f.amount, f.charged, f.expected, f.explanation, f.evidence])}\n`);
    }
    for (const n of result.notes) {
      noteCount++;
      notes.update(`${JSON.stringify([invoice.key, n.lineNo, n.kind, n.amount, n.text])}\n`);
    }
  });
  return { invoices: audited, findings: findingCount, notes: noteCount, findingsSha256: findings.digest("hex"), notesSha256: notes.digest("hex") };
}

function main(): void {
  const lines = Number(argValue("--lines") ?? 100_000);
  const seed = Number(argValue("--seed") ?? 1);
  const hash = findingsHash(lines, seed);
  console.log(`${lines} lines, seed ${seed}: ${hash.invoices} invoices, ${hash.findings} findings, ${hash.notes} notes`);
  console.log(`findings sha256 ${hash.findingsSha256}`);
  console.log(`notes    sha256 ${hash.notesSha256}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
