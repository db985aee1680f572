import { describe, expect, it } from "vitest";
import { generateAuthority } from "../../../bench/generate/authority.js";
import { invoiceStream, type EdgeOptions } from "../../../bench/generate/invoices.js";
import { placementsFor } from "../../../bench/generate/sizing.js";
import { AuditSession, buildReferenceIndex, resolveCreditNotes, sortForAudit, type AuditInvoice } from "../../../src/audit/index.js";
import type { ReferenceData } from "../../../src/domain/reference.js";
import { auditModel } from "../../support/audit-model.js";
import { configWith } from "../rules/facts.js";

/**
 * The engine against tests/support/audit-model.ts, an independent night-by-night reading of
 * AUDIT.md in exact fractions: every finding, to the penny.
 */

export interface Comparison {
  engine: Map<string, string>;
  model: Map<string, string>;
  differences: string[];
}

function findingKey(invoiceKey: string, lineNo: number | null, rule: string, childRef: string | null): string {
  return `${invoiceKey}|${lineNo ?? "-"}|${rule}|${childRef ?? ""}`;
}

function add(map: Map<string, string>, key: string, amount: string): void {
  // Two findings of one rule on one line cannot happen; if they did, both amounts show.
  map.set(key, map.has(key) ? `${map.get(key)}+${amount}` : amount);
}

/** Runs the engine the way the service does (credit notes first, then invoices in audit order) and the model, and lists every difference. */
export function compareWithModel(reference: ReferenceData, invoices: readonly AuditInvoice[]): Comparison {
  const config = configWith();
  const ordered = sortForAudit(invoices.filter((i) => i.kind !== "credit_note"));
  const credits = invoices.filter((i) => i.kind === "credit_note");
  const resolution = resolveCreditNotes(credits, ordered);
  const session = new AuditSession(buildReferenceIndex(reference), config, { voidedInvoiceKeys: resolution.voidedInvoiceKeys, lineSummaries: false });
  const engine = new Map<string, string>();
  for (const invoice of ordered) {
    for (const f of session.audit(invoice).findings) add(engine, findingKey(invoice.key, f.lineNo, f.rule, f.childRef), f.amount);
  }
  const result = auditModel(reference, invoices);
  const model = new Map<string, string>();
  for (const f of result.findings) add(model, findingKey(f.invoiceKey, f.lineNo, f.rule, f.childRef), f.amount);

  const differences: string[] = [];
  for (const key of new Set([...engine.keys(), ...model.keys()])) {
    if (engine.get(key) !== model.get(key)) differences.push(`${key}: engine ${engine.get(key) ?? "-"}, model ${model.get(key) ?? "-"}`);
  }
  const voidedByEngine = [...resolution.voidedInvoiceKeys].sort();
  const voidedByModel = [...result.voided].sort();
  if (voidedByEngine.join() !== voidedByModel.join()) differences.push(`voided: engine ${voidedByEngine.join(",")}, model ${voidedByModel.join(",")}`);
  return { engine, model, differences: differences.sort() };
}

const EDGES: EdgeOptions = {
  voided: 0.03,
  reissues: 0.5,
  copies: 0.02,
  creditedCopies: 0.5,
  internalRepeats: 0.02,
  unknownExtras: 0.02,
  unknownRepeats: 0.3,
  fractionalWeeks: 0.25,
};

/** A generated council (bench/generate) with the audit's edges turned up. */
export function generatedCouncil(lines: number, seed: number, edges: EdgeOptions = EDGES): { reference: ReferenceData; invoices: AuditInvoice[]; lines: number; planted: Record<string, number> } {
  const authority = generateAuthority(placementsFor(lines), seed);
  const stream = invoiceStream(authority, lines, seed, edges);
  const invoices: AuditInvoice[] = [];
  let n = 0;
  let count = 0;
  for (const invoice of stream.invoices) {
    invoices.push({ ...invoice, key: `i${++n}` });
    if (invoice.kind !== "credit_note") count += invoice.lines.length;
  }
  return { reference: authority.reference, invoices, lines: count, planted: stream.planted };
}

describe("the engine agrees with an independent model of AUDIT.md", () => {
  it("on a generated council of 20,000+ lines with credit notes, re-issues, copies, unknown extras and fractional weeks", () => {
    const council = generatedCouncil(21_000, 21);
    expect(council.lines).toBeGreaterThanOrEqual(20_000);
    for (const edge of ["voided-by-credit-note", "duplicate-invoice", "fractional-weeks", "extra-not-agreed", "duplicate-billing"]) {
      expect(council.planted[edge] ?? 0, edge).toBeGreaterThan(5);
    }
    const { engine, model, differences } = compareWithModel(council.reference, council.invoices);
    console.log(`20k council: ${council.lines} lines, ${engine.size} findings by the engine, ${model.size} by the model, ${differences.length} differences`);
    expect(differences.slice(0, 30)).toEqual([]);
    expect(engine.size).toBeGreaterThan(1000);
  });
});
