import type { Knex } from "knex";
import { seedInvoice } from "../support/seed.js";

/**
 * The savings-report fixture (issue 8), inserted directly so every figure can be worked out by
 * hand. Each finding's status and amounts are chosen so that one period exercises every rule of
 * src/reports/figures.ts: a partial recovery, superseded findings, dismissed ones, open
 * queries, a confirmed query, and text that starts with "=".
 */
export const DANGEROUS_PROVIDER_NAME = '=HYPERLINK("http://evil.example","Click")';
export const DANGEROUS_INVOICE_NUMBER = "=1+2";
export const DANGEROUS_EXPLANATION = "=SUM(A1:A9) VAT of £812.20 charged <b>but</b> the provider has no VAT number & none is due";
export const DANGEROUS_CHILD_REF = "@C2002";

export interface SeededIds {
  invoices: Record<string, string>;
  findings: Record<string, string>;
}

interface SeedFinding {
  key: string;
  invoice: string;
  lineNo: number;
  rule: string;
  category: "fees" | "errors" | "query";
  childRef: string | null;
  amount: string;
  charged?: string;
  expected?: string;
  status: "open" | "confirmed" | "recovered" | "dismissed" | "superseded";
  recoveredAmount?: string | null;
  recoveredOn?: string | null;
  dismissedReason?: string | null;
  explanation?: string;
  evidence?: unknown;
}

const INVOICES = [
  { key: "I1", provider_id: "P1", invoice_number: "OF-1001", invoice_date: "2026-08-15" },
  { key: "I2", provider_id: "P1", invoice_number: "OF-1002", invoice_date: "2026-09-10" },
  { key: "I3", provider_id: "P2", invoice_number: DANGEROUS_INVOICE_NUMBER, invoice_date: "2026-10-05" },
  { key: "I4", provider_id: "P1", invoice_number: "OF-1003", invoice_date: "2026-10-20" },
  { key: "I5", provider_id: "P3", invoice_number: "BH-7", invoice_date: "2026-11-03" },
  { key: "I6", provider_id: "P1", invoice_number: "OF-0999", invoice_date: "2026-04-10" },
  { key: "I7", provider_id: "P3", invoice_number: "BH-1", invoice_date: "2026-03-31" },
  { key: "I9", provider_id: "P1", invoice_number: "OF-2001", invoice_date: "2026-12-05" },
] as const;

const FINDINGS: readonly SeedFinding[] = [
  // Aug 2026, P1
  { key: "f1", invoice: "I1", lineNo: 1, rule: "rate-above-agreed", category: "fees", childRef: "C1001", amount: "124.00", charged: "4185.00", expected: "4061.00", status: "confirmed",
    explanation: "Charged £135.00 a night for 31 nights; agreed £131.00.", evidence: { ranges: [{ from: "2026-08-01", to: "2026-08-31", nights: 31 }] } },
  { key: "f2", invoice: "I1", lineNo: 1, rule: "discount-not-applied", category: "fees", childRef: "C1001", amount: "80.00", status: "recovered", recoveredAmount: "50.00", recoveredOn: "2026-09-30" },
  { key: "f3", invoice: "I1", lineNo: 2, rule: "arithmetic-error", category: "errors", childRef: "C1003", amount: "100.00", status: "open" },
  // Sep 2026, P1
  { key: "f4", invoice: "I2", lineNo: 1, rule: "outside-placement", category: "errors", childRef: "C1001", amount: "1572.00", status: "recovered", recoveredAmount: "1572.00", recoveredOn: "2026-10-15" },
  { key: "f5", invoice: "I2", lineNo: 1, rule: "duplicate-billing", category: "errors", childRef: "C1001", amount: "4061.00", status: "superseded" },
  { key: "f6", invoice: "I2", lineNo: 2, rule: "unmatched-line", category: "query", childRef: "C9999", amount: "250.00", status: "open" },
  { key: "f7", invoice: "I2", lineNo: 3, rule: "no-agreed-rate", category: "query", childRef: "C1004", amount: "75.50", status: "dismissed", dismissedReason: "Agreed by phone" },
  // Oct 2026, P2 (text starting with = and @)
  { key: "f8", invoice: "I3", lineNo: 0, rule: "vat-overcharge", category: "errors", childRef: null, amount: "812.20", charged: "812.20", expected: "0.00", status: "confirmed", explanation: DANGEROUS_EXPLANATION },
  { key: "f9", invoice: "I3", lineNo: 1, rule: "absence-not-at-retainer", category: "fees", childRef: DANGEROUS_CHILD_REF, amount: "1152.80", status: "dismissed", dismissedReason: "-retainer agreed" },
  // Oct 2026, P1
  { key: "f10", invoice: "I4", lineNo: 1, rule: "extra-rate-above-agreed", category: "fees", childRef: "C1001", amount: "100.00", charged: "1300.00", expected: "1200.00", status: "confirmed", evidence: { ranges: [] } },
  { key: "f11", invoice: "I4", lineNo: 1, rule: "extra-quantity-above-agreed", category: "fees", childRef: "C1001", amount: "137.14", status: "recovered", recoveredAmount: "137.14", recoveredOn: "2026-11-02" },
  { key: "f12", invoice: "I4", lineNo: 2, rule: "extra-not-agreed", category: "query", childRef: "C1002", amount: "60.00", charged: "60.00", expected: "0.00", status: "confirmed",
    evidence: { ranges: [{ from: "2026-10-01", to: "2026-10-05", nights: 5 }, { from: "2026-10-10", to: "2026-10-11" }, { from: "not a date", to: "2026-10-12" }] } },
  { key: "f13", invoice: "I4", lineNo: 0, rule: "total-mismatch", category: "errors", childRef: null, amount: "39.00", status: "superseded" },
  // Nov 2026, P3
  { key: "f14", invoice: "I5", lineNo: 1, rule: "rate-above-agreed", category: "fees", childRef: "C3001", amount: "500.00", status: "confirmed" },
  // Apr 2026, P1
  { key: "f15", invoice: "I6", lineNo: 1, rule: "uplift-before-effective-date", category: "fees", childRef: "C1001", amount: "124.00", status: "recovered", recoveredAmount: "124.00", recoveredOn: "2026-05-01" },
  { key: "f16", invoice: "I6", lineNo: 2, rule: "rate-above-agreed", category: "fees", childRef: "C1002", amount: "40.00", status: "open" },
  // Mar 2026, P3 (the earliest invoice on record)
  { key: "f17", invoice: "I7", lineNo: 0, rule: "duplicate-invoice", category: "errors", childRef: null, amount: "900.00", status: "confirmed" },
  // Dec 2026, P1: recovered by a partial credit note through the audit's own code
  { key: "f18", invoice: "I9", lineNo: 1, rule: "rate-above-agreed", category: "fees", childRef: "C1001", amount: "300.00", status: "confirmed" },
];

export async function seedSavingsFixture(knex: Knex): Promise<SeededIds> {
  await knex("providers").insert([
    { provider_id: "P1", name: "Oakfield Fostering", kind: "ifa" },
    { provider_id: "P2", name: DANGEROUS_PROVIDER_NAME, kind: "residential" },
    { provider_id: "P3", name: "Brook House", kind: "residential" },
  ]);
  const invoices: Record<string, string> = {};
  for (const { key, ...invoice } of INVOICES) {
    invoices[key] = await seedInvoice(knex, { ...invoice, total: "1000.00", lines: [{ amount: "1000.00" }] });
  }
  const findings: Record<string, string> = {};
  for (const f of FINDINGS) {
    const provider = INVOICES.find((i) => i.key === f.invoice)?.provider_id ?? "";
    const inserted: unknown = await knex("findings")
      .insert({
        invoice_id: invoices[f.invoice],
        line_no: f.lineNo,
        rule: f.rule,
        category: f.category,
        provider_id: provider,
        child_ref: f.childRef,
        amount: f.amount,
        charged: f.charged ?? f.amount,
        expected: f.expected ?? "0.00",
        explanation: f.explanation ?? `${f.rule} on line ${f.lineNo}`,
        evidence: JSON.stringify(f.evidence ?? {}),
        status: f.status,
        recovered_amount: f.recoveredAmount ?? null,
        recovered_on: f.recoveredOn ?? null,
        dismissed_reason: f.dismissedReason ?? null,
      })
      .returning("id");
    const [row] = inserted as { id: string }[];
    findings[f.key] = String(row?.id);
  }
  return { invoices, findings };
}
