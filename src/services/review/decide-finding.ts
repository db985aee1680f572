import type { Knex } from "knex";
import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import {
  insertDecision,
  liveFindingStatuses,
  lockFindings,
  lockInvoiceStatus,
  setInvoiceStatus,
  updateDecisionFields,
  type DecisionAction,
  type DecisionFields,
  type FindingRow,
  type InvoiceStatus,
} from "../../db/repositories/finding.repository.js";
import { dayFromIso, isoFromDay, type IsoDate } from "../../domain/dates.js";
import { AppError } from "../../domain/errors.js";
import type { FindingStatus } from "../../domain/finding.js";
import { dec, moneyString, tryParseMoney } from "../../domain/money.js";
// Decisions are dated in the council's calendar (Europe/London).
import { londonDate } from "../../domain/months.js";
import { isPartlyRecovered, outstandingOf } from "../../domain/recovery.js";
import { isRowId } from "../../db/row-id.js";

export type { DecisionAction, InvoiceStatus };
export const DECISION_ACTIONS: readonly DecisionAction[] = ["confirm", "dismiss", "recover", "write_off", "reopen"];

export function isDecisionAction(value: unknown): value is DecisionAction {
  return typeof value === "string" && (DECISION_ACTIONS as readonly string[]).includes(value);
}

/** Who decides: the audit log names them; finding_decisions links their account. */
export interface Actor {
  userId: string | null;
  username: string;
  authorityId: number;
}

/**
 * A reviewer's decision. `reason` is required to dismiss and to write off; `amount` (this
 * recovery, in pounds) and `recoveredOn` (ISO date) are required to mark recovered. Partial
 * recoveries add up, to at most the finding's amount; what is left of a partly recovered finding
 * can then be written off (`write_off`, with a reason): nothing is outstanding after it.
 */
export interface DecisionInput {
  action: DecisionAction;
  reason?: string | null;
  amount?: string | null;
  recoveredOn?: IsoDate | null;
  /** The credit note number or deduction reference of a recovery (optional). */
  reference?: string | null;
}

export interface FindingState {
  status: FindingStatus;
  recovered_amount: string | null;
  recovered_on: string | null;
  dismissed_reason: string | null;
  written_off_amount: string | null;
  written_off_reason: string | null;
  invoice_status: InvoiceStatus | null;
}

export interface DecisionOutcome {
  findingId: string;
  invoiceId: string;
  before: FindingState;
  after: FindingState;
}

/** Where each decision may start from (AUDIT.md lifecycle: open → confirmed → recovered | dismissed). */
const ALLOWED_FROM: Readonly<Record<DecisionAction, readonly FindingStatus[]>> = {
  confirm: ["open"],
  dismiss: ["open", "confirmed"],
  recover: ["confirmed", "recovered"],
  write_off: ["recovered"],
  reopen: ["confirmed", "dismissed", "recovered"],
};

/**
 * The invoice's status follows its findings: any open → awaiting_review; otherwise any
 * confirmed (raised with the provider, not yet recovered or dismissed) → queried; otherwise
 * (all recovered or dismissed, or none) → cleared. Superseded findings are not passed in.
 */
export function invoiceStatusFor(statuses: readonly FindingStatus[]): Exclude<InvoiceStatus, "awaiting_audit"> {
  if (statuses.includes("open")) return "awaiting_review";
  if (statuses.includes("confirmed")) return "queried";
  return "cleared";
}

interface CheckedInput {
  action: DecisionAction;
  reason: string | null;
  amount: string | null;
  recoveredOn: IsoDate | null;
  reference: string | null;
}

const MAX_REFERENCE_LENGTH = 100;

const MAX_REASON_LENGTH = 2000;

/** Validates the fields a decision needs, before anything is read or locked. */
export function checkDecisionInput(input: DecisionInput, today: IsoDate): CheckedInput {
  const reason = (input.reason ?? "").trim() || null;
  if (reason && reason.length > MAX_REASON_LENGTH) {
    throw new AppError("decision.reason_too_long", `Reason must be ${MAX_REASON_LENGTH} characters or fewer`, { field: "reason" });
  }
  switch (input.action) {
    case "dismiss":
      if (!reason) throw new AppError("decision.reason_required", "Enter a reason for dismissing the finding", { field: "reason" });
      return { action: "dismiss", reason, amount: null, recoveredOn: null, reference: null };
    case "write_off":
      if (!reason) throw new AppError("decision.reason_required", "Enter a reason for writing off the balance", { field: "reason" });
      return { action: "write_off", reason, amount: null, recoveredOn: null, reference: null };
    case "recover": {
      const parsed = tryParseMoney(input.amount ?? "");
      if (!parsed || parsed.decimalPlaces() > 2) {
        throw new AppError("decision.amount_invalid", "Enter the amount recovered in pounds and pence, like 125.50", { field: "amount" });
      }
      if (!parsed.isPositive() || parsed.isZero()) {
        throw new AppError("decision.amount_invalid", "Amount recovered must be more than £0.00", { field: "amount" });
      }
      const recoveredOn = input.recoveredOn ?? "";
      let valid: boolean;
      try {
        valid = isoFromDay(dayFromIso(recoveredOn)) === recoveredOn;
      } catch {
        valid = false;
      }
      if (!valid) throw new AppError("decision.date_invalid", "Enter the date the money was recovered, like 27 3 2026", { field: "recoveredOn" });
      if (recoveredOn > today) throw new AppError("decision.date_invalid", "Date recovered must be today or in the past", { field: "recoveredOn" });
      const reference = (input.reference ?? "").trim() || null;
      if (reference && reference.length > MAX_REFERENCE_LENGTH) {
        throw new AppError("decision.reference_too_long", `The reference must be ${MAX_REFERENCE_LENGTH} characters or fewer`, { field: "reference" });
      }
      return { action: "recover", reason, amount: moneyString(parsed), recoveredOn, reference };
    }
    case "confirm":
    case "reopen":
      return { action: input.action, reason, amount: null, recoveredOn: null, reference: null };
  }
}

/** "A finding … cannot be confirmed", "Finding confirmed": what each decision did, in words. */
export const DECISION_DONE: Readonly<Record<DecisionAction, string>> = {
  confirm: "confirmed", dismiss: "dismissed", recover: "marked recovered", write_off: "written off", reopen: "reopened",
};

/** A decision that clears any recovery and write-off (confirm, dismiss, reopen). */
const NOTHING_RECOVERED = { recovered_amount: null, recovered_on: null, recovered_reference: null, written_off_amount: null, written_off_reason: null, written_off_on: null } as const;

function nextFields(finding: FindingRow, input: CheckedInput, today: IsoDate): DecisionFields {
  if (!ALLOWED_FROM[input.action].includes(finding.status)) {
    throw new AppError(
      "decision.not_allowed",
      `A finding that is ${finding.status} cannot be ${DECISION_DONE[input.action]}`,
      { findingId: finding.id, status: finding.status, action: input.action },
    );
  }
  switch (input.action) {
    case "confirm":
      return { status: "confirmed", ...NOTHING_RECOVERED, dismissed_reason: null };
    case "dismiss":
      return { status: "dismissed", ...NOTHING_RECOVERED, dismissed_reason: input.reason };
    case "reopen":
      return { status: "open", ...NOTHING_RECOVERED, dismissed_reason: null };
    case "recover": {
      const total = dec(finding.recovered_amount ?? "0").plus(input.amount ?? "0");
      const owed = dec(finding.amount).minus(finding.written_off_amount ?? "0");
      if (total.greaterThan(owed)) {
        throw new AppError(
          "decision.amount_exceeds",
          finding.written_off_amount
            ? `Amount recovered would total ${moneyString(total)}, more than the ${moneyString(owed)} not written off`
            : `Amount recovered would total ${moneyString(total)}, more than the finding's ${moneyString(finding.amount)}`,
          { findingId: finding.id, field: "amount" },
        );
      }
      return {
        status: "recovered", recovered_amount: moneyString(total), recovered_on: input.recoveredOn, dismissed_reason: null,
        recovered_reference: input.reference ?? finding.recovered_reference,
        written_off_amount: finding.written_off_amount, written_off_reason: finding.written_off_reason, written_off_on: finding.written_off_on,
      };
    }
    case "write_off": {
      // Only the balance of a partly recovered finding: a finding nothing came back on is dismissed instead.
      const balance = outstandingOf(finding.status, finding.amount, finding.recovered_amount, finding.written_off_amount);
      if (dec(balance).isZero()) {
        throw new AppError("decision.not_allowed", "Nothing is outstanding on this finding, so there is no balance to write off", { findingId: finding.id, action: "write_off" });
      }
      return {
        status: "recovered", recovered_amount: finding.recovered_amount, recovered_on: finding.recovered_on, dismissed_reason: null,
        recovered_reference: finding.recovered_reference,
        written_off_amount: moneyString(dec(finding.written_off_amount ?? "0").plus(balance)), written_off_reason: input.reason, written_off_on: today,
      };
    }
  }
}

/** How many refused findings an error names before "and N more". */
const REFUSALS_NAMED = 20;

/**
 * A selection where some findings cannot take the decision is refused whole, naming every one
 * of them (not just the first), so the reviewer can unselect them and try again.
 */
function refuseWhatCannotChange(findings: readonly FindingRow[], action: DecisionAction): void {
  const refused = findings.filter((f) => !ALLOWED_FROM[action].includes(f.status)).sort((a, b) => Number(a.id) - Number(b.id));
  if (refused.length === 0) return;
  // One finding on its own keeps nextFields' sentence ("A finding that is … cannot be …").
  if (findings.length === 1) return;
  const named = refused.slice(0, REFUSALS_NAMED).map((f) => `finding ${f.id} is ${f.status}`);
  const more = refused.length > REFUSALS_NAMED ? ` and ${refused.length - REFUSALS_NAMED} more` : "";
  throw new AppError(
    "decision.not_allowed",
    `${refused.length} of the ${findings.length} selected findings cannot be ${DECISION_DONE[action]}, so none was: ${named.join(", ")}${more}`,
    { findingIds: refused.map((f) => String(f.id)).join(","), action },
  );
}

function stateOf(fields: DecisionFields, invoiceStatus: InvoiceStatus | null): FindingState {
  return {
    status: fields.status,
    recovered_amount: fields.recovered_amount,
    recovered_on: fields.recovered_on,
    dismissed_reason: fields.dismissed_reason,
    written_off_amount: fields.written_off_amount,
    written_off_reason: fields.written_off_reason,
    invoice_status: invoiceStatus,
  };
}

async function applyInTransaction(
  trx: Knex.Transaction,
  actor: Actor,
  findingIds: readonly string[],
  input: CheckedInput,
  now: Date,
): Promise<DecisionOutcome[]> {
  const ids = [...new Set(findingIds)];
  const findings = await lockFindings(trx, actor.authorityId, ids);
  if (findings.length !== ids.length) {
    const found = new Set(findings.map((f) => String(f.id)));
    const missing = ids.find((id) => !found.has(id)) ?? "";
    throw new AppError("not_found", `There is no finding ${missing}`, { findingId: missing });
  }
  refuseWhatCannotChange(findings, input.action);
  const today = londonDate(now);
  const changes = findings.map((finding) => ({ finding, after: nextFields(finding, input, today) }));

  const invoiceBefore = new Map<string, InvoiceStatus | null>();
  for (const invoiceId of new Set(findings.map((f) => String(f.invoice_id)))) {
    invoiceBefore.set(invoiceId, (await lockInvoiceStatus(trx, invoiceId)) ?? null);
  }
  for (const { finding, after } of changes) {
    await updateDecisionFields(trx, finding.id, after, now);
    await insertDecision(trx, {
      findingId: finding.id,
      userId: actor.userId,
      action: input.action,
      reason: input.reason,
      amount: input.action === "write_off" ? moneyString(dec(after.written_off_amount ?? "0").minus(finding.written_off_amount ?? "0")) : input.amount,
      decidedOn: input.recoveredOn ?? today,
    });
  }
  const invoiceAfter = new Map<string, InvoiceStatus | null>();
  for (const [invoiceId, before] of invoiceBefore) {
    // A finding partly recovered is still owed for the rest (unless it was written off): the invoice stays queried.
    const live = await liveFindingStatuses(trx, invoiceId);
    const status = invoiceStatusFor(live.map((f) => (isPartlyRecovered(f.status, f.amount, f.recovered_amount, f.written_off_amount) ? "confirmed" : f.status)));
    if (status !== before) await setInvoiceStatus(trx, invoiceId, status);
    invoiceAfter.set(invoiceId, status);
  }

  const outcomes: DecisionOutcome[] = [];
  for (const { finding, after } of changes) {
    const invoiceId = String(finding.invoice_id);
    const outcome: DecisionOutcome = {
      findingId: String(finding.id),
      invoiceId,
      before: stateOf(finding, invoiceBefore.get(invoiceId) ?? null),
      after: stateOf(after, invoiceAfter.get(invoiceId) ?? null),
    };
    await appendAuditLog(trx, {
      authorityId: actor.authorityId,
      actor: actor.username,
      action: input.action,
      entity: "finding",
      entityId: outcome.findingId,
      before: outcome.before,
      after: { ...outcome.after, ...(input.reason ? { reason: input.reason } : {}), ...(input.amount ? { amount: input.amount } : {}), ...(input.reference ? { reference: input.reference } : {}) },
    });
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * Records one decision on one finding: in one transaction the finding changes, a
 * finding_decisions row and an audit_log row are written, and the invoice's status follows.
 * Throws AppError: `not_found`, `decision.not_allowed`, `decision.reason_required`,
 * `decision.amount_invalid`, `decision.amount_exceeds`, `decision.date_invalid`.
 */
export async function decideFinding(db: Database, actor: Actor, findingId: string, input: DecisionInput, now: Date = new Date()): Promise<DecisionOutcome> {
  const [outcome] = await decideFindings(db, actor, [findingId], input, now);
  if (!outcome) throw new AppError("not_found", `There is no finding ${findingId}`, { findingId });
  return outcome;
}

/** The same decision on several findings at once: all of them, or (on any error) none. */
export async function decideFindings(
  db: Database,
  actor: Actor,
  findingIds: readonly string[],
  input: DecisionInput,
  now: Date = new Date(),
): Promise<DecisionOutcome[]> {
  if (findingIds.length === 0) throw new AppError("decision.none_selected", "Select at least one finding", { field: "findings" });
  if (!findingIds.every(isRowId)) throw new AppError("not_found", "There is no such finding");
  const checked = checkDecisionInput(input, londonDate(now));
  return db.knex.transaction((trx) => applyInTransaction(trx, actor, findingIds, checked, now));
}
