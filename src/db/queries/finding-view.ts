import type { IsoDate } from "../../domain/dates.js";
import type { Category, FindingStatus } from "../../domain/finding.js";
import type { FindingRow } from "../repositories/finding.repository.js";
import type { InvoiceLineRow } from "../repositories/invoice.repository.js";
import { money, moneyOrNull } from "./read-model.js";
import { findingStatusText, outstandingOf, recoveryText } from "../../domain/recovery.js";

/** A finding and an invoice line as the invoice and finding pages show them. */
export interface FindingView {
  id: string;
  invoiceId: string;
  lineNo: number;
  rule: string;
  category: Category;
  providerId: string;
  childRef: string | null;
  amount: string;
  charged: string;
  expected: string;
  explanation: string;
  status: FindingStatus;
  recoveredAmount: string | null;
  recoveredOn: IsoDate | null;
  /** The credit note number or deduction reference of the recovery. */
  recoveredReference: string | null;
  /** Still owed: amount − recovered for confirmed and recovered findings, else 0.00. */
  outstanding: string;
  /** "Partly recovered: £500.00 of £1,135.20, £635.20 outstanding" (null when nothing was recovered). */
  recovery: string | null;
  dismissedReason: string | null;
  /** What a re-audit found instead of this decided finding (AUDIT.md "When"), for the reviewer. */
  reauditChange: string | null;
  /** The balance of a partly recovered finding written off, with the reason and the date. */
  writtenOffAmount: string | null;
  writtenOffReason: string | null;
  writtenOffOn: IsoDate | null;
  /** "Partly recovered, balance written off" where a write-off changes what the status says; else null. */
  statusText: string | null;
}

/** A findings row as the pages read it (FINDING_VIEW_COLUMNS), its category one of CATEGORIES. */
export type FindingViewRow = Omit<FindingRow, "authority_id" | "category"> & { category: Category };

export const FINDING_VIEW_COLUMNS = [
  "f.id", "f.invoice_id", "f.line_no", "f.rule", "f.category", "f.provider_id", "f.child_ref", "f.amount", "f.charged", "f.expected",
  "f.explanation", "f.status", "f.recovered_amount", "f.recovered_on", "f.dismissed_reason",
  "f.recovered_reference", "f.reaudit_change", "f.written_off_amount", "f.written_off_reason", "f.written_off_on",
];

export function findingView(r: FindingViewRow): FindingView {
  return {
    id: String(r.id),
    invoiceId: String(r.invoice_id),
    lineNo: r.line_no,
    rule: r.rule,
    category: r.category,
    providerId: r.provider_id,
    childRef: r.child_ref,
    amount: money(r.amount),
    charged: money(r.charged),
    expected: money(r.expected),
    explanation: r.explanation,
    status: r.status,
    recoveredAmount: moneyOrNull(r.recovered_amount),
    recoveredOn: r.recovered_on,
    recoveredReference: r.recovered_reference,
    outstanding: outstandingOf(r.status, money(r.amount), moneyOrNull(r.recovered_amount), moneyOrNull(r.written_off_amount)),
    recovery: recoveryText(r.status, money(r.amount), moneyOrNull(r.recovered_amount), moneyOrNull(r.written_off_amount)),
    dismissedReason: r.dismissed_reason,
    reauditChange: r.reaudit_change,
    writtenOffAmount: moneyOrNull(r.written_off_amount),
    writtenOffReason: r.written_off_reason,
    writtenOffOn: r.written_off_on,
    statusText: findingStatusText(r.status, moneyOrNull(r.written_off_amount)),
  };
}

export interface InvoiceLineView {
  lineNo: number;
  childRef: string | null;
  placementRef: string | null;
  description: string;
  item: string;
  from: IsoDate | null;
  to: IsoDate | null;
  quantity: string | null;
  unit: string | null;
  unitRate: string | null;
  amount: string;
  findings: FindingView[];
}

/** An invoice_lines row as selected whole. */
export type LineRow = Omit<InvoiceLineRow, "invoice_id">;

/** A line as the pages show it (without its findings). */
export function lineView(line: LineRow): Omit<InvoiceLineView, "findings"> {
  return {
    lineNo: line.line_no,
    childRef: line.child_ref,
    placementRef: line.placement_ref,
    description: line.description,
    item: line.item,
    from: line.from_date,
    to: line.to_date,
    quantity: line.quantity,
    unit: line.unit,
    unitRate: line.unit_rate,
    amount: money(line.amount),
  };
}
