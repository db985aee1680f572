import rulesConfigJson from "../../../rules/rules.config.json" with { type: "json" };
import { WATERFALL } from "../../../rules/index.js";
import {
  AuditSession,
  buildReferenceIndex,
  loadRulesConfig,
  resolveCreditNotes,
  sortForAudit,
  type AuditInvoice,
  type InvoiceAuditResult,
  type RulesConfig,
} from "../../../src/audit/index.js";
import { classifyLine } from "../../../src/domain/classify.js";
import type { AuditNote, Finding } from "../../../src/domain/finding.js";
import type { InvoiceLine } from "../../../src/domain/invoice.js";
import { Dec } from "../../../src/domain/money.js";
import type {
  Absence,
  AgreedPackage,
  Contract,
  Discount,
  Placement,
  PlacementFee,
  Provider,
  Rate,
  ReferenceData,
  Unit,
} from "../../../src/domain/reference.js";

/**
 * Facts as the rules' cases.json write them: DATA.md tables and invoices with the optional
 * columns left out (DATA.md defaults fill them), so each case shows only what matters to it.
 */
type Loose<T, Required extends keyof T> = Pick<T, Required> & Partial<Omit<T, Required>>;

export interface ReferenceFacts {
  providers?: Loose<Provider, "providerId">[];
  contracts?: Loose<Contract, "contractId">[];
  rates?: Loose<Rate, "contractId" | "item" | "unit" | "rate" | "effectiveFrom">[];
  placements?: Loose<Placement, "placementId" | "childRef" | "startDate">[];
  placementFees?: PlacementFee[];
  packages?: Loose<AgreedPackage, "placementId" | "item" | "unit" | "effectiveFrom">[];
  discounts?: Loose<Discount, "discountId" | "kind" | "percent">[];
  absences?: Loose<Absence, "placementId" | "fromDate" | "toDate">[];
}

export type LineFacts = Loose<InvoiceLine, "amount">;

export interface InvoiceFacts extends Loose<Omit<AuditInvoice, "lines">, "invoiceNumber" | "invoiceDate"> {
  lines?: LineFacts[];
}

export interface CaseFacts {
  reference: ReferenceFacts;
  invoices: InvoiceFacts[];
  creditNotes?: InvoiceFacts[];
  /** Top-level keys of rules.config.json to override (e.g. min_finding_amount). */
  config?: Record<string, unknown>;
}

export interface ExpectedFinding {
  invoice: string;
  line: number | null;
  rule: string;
  amount: string;
  childRef?: string | null;
}

export interface ExpectedNote {
  invoice: string;
  line: number | null;
  kind: string;
  amount?: string | null;
}

export interface RuleCase extends Partial<CaseFacts> {
  name: string;
  note: string;
  expect: { findings: ExpectedFinding[]; notes?: ExpectedNote[]; voided?: string[] };
}

export interface CasesFile {
  rule: string;
  /** Reference facts shared by the cases; a case's table of the same name replaces the base's. */
  base?: ReferenceFacts;
  cases: RuleCase[];
}

export function configWith(overrides: Record<string, unknown> = {}): RulesConfig {
  return loadRulesConfig({ ...rulesConfigJson, ...overrides });
}

export function referenceData(facts: ReferenceFacts): ReferenceData {
  const providers = (facts.providers ?? [{ providerId: "PR1" }]).map(
    (p): Provider => ({ name: p.providerId, kind: "ifa", vatNumber: null, aliases: [], ...p }),
  );
  const providerId = providers[0]?.providerId ?? "PR1";
  const contracts = (facts.contracts ?? [{ contractId: "K1" }]).map(
    (c): Contract => ({
      providerId,
      title: c.contractId,
      startDate: "2020-01-01",
      endDate: null,
      payDepartureDay: false,
      absenceRetainerPct: "100",
      absenceRetainerMaxNights: null,
      vatExempt: true,
      ...c,
    }),
  );
  const contractId = contracts[0]?.contractId ?? "K1";
  return {
    providers,
    contracts,
    rates: (facts.rates ?? []).map((r): Rate => ({ serviceLevel: null, effectiveTo: null, ...r })),
    placements: (facts.placements ?? []).map(
      (p): Placement => ({ providerId, contractId, serviceLevel: null, endDate: null, weeklyFee: null, siblingGroup: null, poNumber: null, ...p }),
    ),
    placementFees: facts.placementFees ?? [],
    packages: (facts.packages ?? []).map((p): AgreedPackage => ({ rate: null, maxPerWeek: null, effectiveTo: null, ...p })),
    discounts: (facts.discounts ?? []).map(
      (d): Discount => ({ providerId, contractId: null, threshold: null, effectiveFrom: "2020-01-01", effectiveTo: null, description: null, ...d }),
    ),
    absences: (facts.absences ?? []).map((a): Absence => ({ reason: "hospital", ...a })),
  };
}

export function invoiceOf(facts: InvoiceFacts, config: RulesConfig, providerId = "PR1"): AuditInvoice {
  const lines = (facts.lines ?? []).map((l, i): InvoiceLine => {
    const description = l.description ?? "Placement fee";
    const unit: Unit | null = l.unit ?? null;
    return {
      lineNo: i + 1,
      childRef: null,
      placementRef: null,
      from: null,
      to: null,
      quantity: null,
      unitRate: null,
      ...l,
      description,
      unit,
      item: l.item ?? classifyLine(description, unit, l.amount, config),
    };
  });
  const vat = facts.vat ?? null;
  let total = facts.total;
  if (total === undefined) {
    // Unless a case says otherwise, the total is what the lines and VAT add up to.
    let sum = new Dec(vat ?? "0");
    for (const line of lines) sum = sum.plus(line.amount);
    total = sum.toFixed(2);
  }
  return {
    providerId,
    kind: "invoice",
    creditsInvoice: null,
    periodFrom: null,
    periodTo: null,
    subtotal: null,
    key: facts.invoiceNumber,
    receivedAt: `${facts.invoiceDate}T09:00:00Z`,
    ...facts,
    vat,
    total,
    lines,
  };
}

export interface CaseRun {
  results: Map<string, InvoiceAuditResult>;
  findings: (Finding & { invoice: string })[];
  notes: (AuditNote & { invoice: string })[];
  voided: Set<string>;
}

/** Runs the audit over the facts the way the service does: credit notes first, then invoices in audit order. */
export function runFacts(facts: CaseFacts): CaseRun {
  const config = configWith(facts.config);
  const reference = referenceData(facts.reference);
  const providerId = reference.providers[0]?.providerId ?? "PR1";
  const invoices = facts.invoices.map((i) => invoiceOf(i, config, providerId));
  const creditNotes = (facts.creditNotes ?? []).map((c) => invoiceOf({ kind: "credit_note", ...c }, config, providerId));
  const ordered = sortForAudit(invoices);
  const resolution = resolveCreditNotes(creditNotes, ordered);
  const session = new AuditSession(buildReferenceIndex(reference), config, { voidedInvoiceKeys: resolution.voidedInvoiceKeys, waterfall: WATERFALL });
  const results = new Map<string, InvoiceAuditResult>();
  const findings: CaseRun["findings"] = [];
  const notes: CaseRun["notes"] = [];
  for (const invoice of ordered) {
    const result = session.audit(invoice);
    results.set(invoice.invoiceNumber + (results.has(invoice.invoiceNumber) ? `#${invoice.key}` : ""), result);
    findings.push(...result.findings.map((f) => ({ ...f, invoice: invoice.invoiceNumber })));
    notes.push(...result.notes.map((n) => ({ ...n, invoice: invoice.invoiceNumber })));
  }
  return { results, findings, notes, voided: resolution.voidedInvoiceKeys };
}

/** The findings in the shape cases.json states them, in a stable order for comparison. */
export function comparable(findings: readonly (Finding & { invoice: string })[]): ExpectedFinding[] {
  return findings
    .map((f) => ({ invoice: f.invoice, line: f.lineNo, rule: f.rule, amount: f.amount, childRef: f.childRef }))
    .sort(byKey);
}

export function byKey(a: ExpectedFinding, b: ExpectedFinding): number {
  const ka = `${a.invoice}|${String(a.line ?? 0).padStart(4, "0")}|${a.rule}`;
  const kb = `${b.invoice}|${String(b.line ?? 0).padStart(4, "0")}|${b.rule}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
