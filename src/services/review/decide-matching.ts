import type { Database } from "../../db/connection.js";
import { findingTotals, matchingFindingIds, type FindingFilter, type FindingTotals } from "../../db/queries/finding-list.query.js";
import { AppError } from "../../domain/errors.js";
import { formatMoney } from "../../domain/money.js";
import { decideFindings, type Actor, type DecisionOutcome } from "./decide-finding.js";

/**
 * "Confirm all matching": every open finding the list's filter matches, confirmed in one
 * transaction. The reviewer saw how many and how much before confirming; if the findings the
 * filter matches have changed since (another reviewer, an audit), nothing is confirmed and they
 * are told the new figures instead of confirming findings they never saw counted.
 */
export function confirmableFilter(filter: FindingFilter): FindingFilter | null {
  if (filter.status !== undefined && filter.status !== "open") return null;
  return { ...filter, status: "open" };
}

/** What "confirm all matching" would confirm: null when the filter can match no open finding. */
export async function confirmableTotals(db: Database, authorityId: number, filter: FindingFilter): Promise<FindingTotals | null> {
  const open = confirmableFilter(filter);
  return open ? findingTotals(db, { authorityId }, open) : null;
}

export async function confirmMatchingFindings(
  db: Database,
  actor: Actor,
  filter: FindingFilter,
  expected: FindingTotals,
  now: Date = new Date(),
): Promise<DecisionOutcome[]> {
  const open = confirmableFilter(filter);
  if (!open) throw new AppError("decision.none_selected", "Only open findings can be confirmed: choose another status", { field: "findings" });
  const scope = { authorityId: actor.authorityId };
  const [totals, ids] = [await findingTotals(db, scope, open), await matchingFindingIds(db, scope, open)];
  if (totals.count !== expected.count || totals.amount !== expected.amount || ids.length !== totals.count) {
    throw new AppError(
      "decision.selection_changed",
      `The open findings matching these filters have changed: now ${totals.count} totalling ${formatMoney(totals.amount)}, not ${expected.count} totalling ${formatMoney(expected.amount)}. Check them and confirm again.`,
      { field: "findings" },
    );
  }
  return decideFindings(db, actor, ids, { action: "confirm" }, now);
}
