import { CATEGORIES, type Category } from "../domain/finding.js";
import { RULE_ORDER } from "../../rules/catalogue.js";
import { Dec, formatMoney, moneyString, toPence, ZERO, type DecimalString } from "../domain/money.js";
import { monthCount, monthLabel, monthsInPeriod, periodLabel, type Month, type MonthPeriod } from "../domain/months.js";

/**
 * What each finding status contributes to the savings figures (AUDIT.md lifecycle; issue 8).
 * Every finding counts in exactly one of identified, at risk and dismissed, so those three add
 * up to the amount of all findings that are not superseded:
 *
 * | status     | identified | realised                         | at risk | dismissed |
 * |------------|------------|----------------------------------|---------|-----------|
 * | open       |            |                                  | amount  |           |
 * | confirmed  | amount     |                                  |         |           |
 * | recovered  | amount     | recovered_amount (≤ amount)      |         |           |
 * | dismissed  |            |                                  |         | amount    |
 * | superseded | never counts anywhere                                                  |
 *
 * - A finding recovered for £50 of £80 counts identified £80, realised £50 (outstanding £30).
 *   When the £30 balance is written off (dismissed with a reason), it moves to dismissed:
 *   identified £50, realised £50, dismissed £30, nothing outstanding.
 *   Recovered money comes from `recovered_amount` however it was recorded: typed by a reviewer,
 *   or set by the audit when a credit note arrives. A recovered finding with no recorded amount
 *   realises £0 (we never report money nobody recorded), and realised never exceeds the
 *   finding's amount.
 * - At risk is money in findings nobody has decided yet (status open), in every category. A
 *   `query` finding ("needs a person: money at risk, not yet a saving") is always open until a
 *   person decides it; once a reviewer confirms it and raises it with the provider it counts as
 *   identified like any other (AUDIT.md: identified = confirmed + recovered).
 * - Outstanding = identified − realised: confirmed with the provider, money not yet back.
 * - A finding belongs to the month of its invoice's date (not the date it was recovered), so
 *   the by-month, by-provider, by-rule and Findings sheets all add up to the same totals.
 */
export interface FigureSet {
  identified: DecimalString;
  realised: DecimalString;
  outstanding: DecimalString;
  atRisk: DecimalString;
  dismissed: DecimalString;
  /** Findings counted (every status but superseded). */
  findings: number;
  identifiedCount: number;
  recoveredCount: number;
  atRiskCount: number;
  dismissedCount: number;
}

/** One group of the SQL aggregation: a month × provider × category × rule, sums as numeric strings. */
export interface FigureRow {
  month: Month;
  providerId: string;
  providerName: string;
  category: Category;
  rule: string;
  identified: DecimalString;
  realised: DecimalString;
  atRisk: DecimalString;
  dismissed: DecimalString;
  identifiedCount: number;
  recoveredCount: number;
  atRiskCount: number;
  dismissedCount: number;
}

/** Commissioners' words for each category (AUDIT.md "Categories"). */
export const CATEGORY_WORDS: Readonly<Record<Category, string>> = {
  fees: "correct fees requested and discounts received",
  errors: "invoice errors",
  query: "needs a person: money at risk, not yet a saving",
};

export interface CategoryFigures {
  category: Category;
  words: string;
  figures: FigureSet;
}

export interface MonthFigures {
  month: Month;
  label: string;
  totals: FigureSet;
  byCategory: Record<Category, FigureSet>;
}

export interface ProviderFigures {
  providerId: string;
  name: string;
  totals: FigureSet;
  byCategory: Record<Category, FigureSet>;
}

export interface RuleFigures {
  rule: string;
  category: Category;
  totals: FigureSet;
}

/**
 * The annualised figure: the identified (and realised) savings of the twelve months ending with
 * the report's last month, scaled up to twelve months when invoices have been received for
 * fewer of those months: figure × 12 ÷ months available, rounded half up to pence. A month is
 * available from the month of the earliest invoice on record. With twelve months of history
 * it is simply the last twelve months' total. Null when no invoice is dated in the window.
 */
export interface AnnualisedFigures {
  from: Month;
  to: Month;
  monthsAvailable: number;
  identifiedInWindow: DecimalString;
  realisedInWindow: DecimalString;
  identified: DecimalString | null;
  realised: DecimalString | null;
  /** The computation in words, for the Summary sheet and the page. */
  basis: string;
}

export interface SavingsFigures {
  period: MonthPeriod & { label: string };
  providerId: string | null;
  totals: FigureSet;
  byCategory: CategoryFigures[];
  /** Every month of the period, in order, empty months included. */
  byMonth: MonthFigures[];
  /** Providers with any finding in the period, most identified first. */
  byProvider: ProviderFigures[];
  /** Rules with any finding in the period, in category then waterfall order. */
  byRule: RuleFigures[];
  /** April of the financial year containing the last month, to the last month. */
  yearToDate: MonthPeriod & { label: string; totals: FigureSet };
  annualised: AnnualisedFigures;
}

/** Exact running sums; turned into strings once, at the end. */
class Accumulator {
  identified = ZERO;
  realised = ZERO;
  atRisk = ZERO;
  dismissed = ZERO;
  identifiedCount = 0;
  recoveredCount = 0;
  atRiskCount = 0;
  dismissedCount = 0;

  add(row: FigureRow): void {
    this.identified = this.identified.plus(row.identified);
    this.realised = this.realised.plus(row.realised);
    this.atRisk = this.atRisk.plus(row.atRisk);
    this.dismissed = this.dismissed.plus(row.dismissed);
    this.identifiedCount += row.identifiedCount;
    this.recoveredCount += row.recoveredCount;
    this.atRiskCount += row.atRiskCount;
    this.dismissedCount += row.dismissedCount;
  }

  result(): FigureSet {
    return {
      identified: moneyString(this.identified),
      realised: moneyString(this.realised),
      outstanding: moneyString(this.identified.minus(this.realised)),
      atRisk: moneyString(this.atRisk),
      dismissed: moneyString(this.dismissed),
      findings: this.identifiedCount + this.atRiskCount + this.dismissedCount,
      identifiedCount: this.identifiedCount,
      recoveredCount: this.recoveredCount,
      atRiskCount: this.atRiskCount,
      dismissedCount: this.dismissedCount,
    };
  }
}

export function sumFigures(rows: readonly FigureRow[]): FigureSet {
  const total = new Accumulator();
  for (const row of rows) total.add(row);
  return total.result();
}

function byCategoryOf(rows: readonly FigureRow[]): Record<Category, FigureSet> {
  const result = {} as Record<Category, FigureSet>;
  for (const category of CATEGORIES) result[category] = sumFigures(rows.filter((r) => r.category === category));
  return result;
}

function groupBy<K>(rows: readonly FigureRow[], key: (row: FigureRow) => K): Map<K, FigureRow[]> {
  const groups = new Map<K, FigureRow[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Rules in waterfall order within their category (rules/catalogue.ts); a rule id no longer known goes last. */
function ruleRank(rule: string): number {
  const index = (RULE_ORDER as readonly string[]).indexOf(rule);
  return index < 0 ? RULE_ORDER.length : index;
}

export function annualise(window: MonthPeriod, monthsAvailable: number, identifiedInWindow: DecimalString, realisedInWindow: DecimalString): AnnualisedFigures {
  const months = Math.max(0, Math.min(monthsAvailable, monthCount(window)));
  const scale = (value: DecimalString): DecimalString | null => (months === 0 ? null : moneyString(toPence(new Dec(value).times(12).dividedBy(months))));
  const windowText = `${monthLabel(window.from)} to ${monthLabel(window.to)}`;
  const basis =
    months === 0
      ? `No invoices are dated in the twelve months ${windowText}, so there is no annualised figure.`
      : months >= 12
        ? `Savings identified in the twelve months ${windowText} (invoice dates).`
        : `Savings identified in the twelve months ${windowText} (invoice dates), scaled up to a year: invoices have been received for only ${months} of those months, so the figure is multiplied by 12 and divided by ${months}.`;
  return {
    from: window.from,
    to: window.to,
    monthsAvailable: months,
    identifiedInWindow: moneyString(identifiedInWindow),
    realisedInWindow: moneyString(realisedInWindow),
    identified: scale(identifiedInWindow),
    realised: scale(realisedInWindow),
    basis,
  };
}

/** Rolls the grouped rows of a period up into every view of the figures. */
export function rollUp(input: {
  period: MonthPeriod;
  providerId: string | null;
  rows: readonly FigureRow[];
  yearToDate: MonthPeriod;
  yearToDateRows: readonly FigureRow[];
  annualised: AnnualisedFigures;
}): SavingsFigures {
  const { rows } = input;
  const byMonthRows = groupBy(rows, (r) => r.month);
  const byMonth = monthsInPeriod(input.period).map((month): MonthFigures => {
    const monthRows = byMonthRows.get(month) ?? [];
    return { month, label: monthLabel(month), totals: sumFigures(monthRows), byCategory: byCategoryOf(monthRows) };
  });
  const byProvider = [...groupBy(rows, (r) => r.providerId).entries()]
    .map(([providerId, providerRows]): ProviderFigures => ({
      providerId,
      name: providerRows[0]?.providerName ?? providerId,
      totals: sumFigures(providerRows),
      byCategory: byCategoryOf(providerRows),
    }))
    .sort((a, b) => new Dec(b.totals.identified).comparedTo(a.totals.identified) || a.name.localeCompare(b.name) || a.providerId.localeCompare(b.providerId));
  const byRule = [...groupBy(rows, (r) => `${r.category}\u0000${r.rule}`).values()]
    .map((ruleRows): RuleFigures => {
      const first = ruleRows[0] as FigureRow;
      return { rule: first.rule, category: first.category, totals: sumFigures(ruleRows) };
    })
    .sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || ruleRank(a.rule) - ruleRank(b.rule) || a.rule.localeCompare(b.rule));
  const categories = byCategoryOf(rows);
  return {
    period: { ...input.period, label: periodLabel(input.period) },
    providerId: input.providerId,
    totals: sumFigures(rows),
    byCategory: CATEGORIES.map((category) => ({ category, words: CATEGORY_WORDS[category], figures: categories[category] })),
    byMonth,
    byProvider,
    byRule,
    yearToDate: { ...input.yearToDate, label: periodLabel(input.yearToDate), totals: sumFigures(input.yearToDateRows) },
    annualised: input.annualised,
  };
}

/** A sentence per category in commissioners' words, for the Summary sheet and the page. */
export function categorySentence(category: CategoryFigures): string {
  const f = category.figures;
  const money = formatMoney;
  const count = (n: number): string => `${n} finding${n === 1 ? "" : "s"}`;
  switch (category.category) {
    case "fees":
    case "errors": {
      const heading = category.category === "fees" ? "Correct fees requested and discounts received" : "Invoice errors";
      return (
        `${heading}: ${money(f.identified)} identified (${count(f.identifiedCount)}), of which ${money(f.realised)} has been recovered` +
        ` and ${money(f.outstanding)} is still owed; ${money(f.atRisk)} awaits a decision and ${money(f.dismissed)} was dismissed.`
      );
    }
    case "query":
      return (
        `Needs a person: money at risk, not yet a saving: ${money(f.atRisk)} at risk in ${count(f.atRiskCount)} awaiting a decision;` +
        ` ${money(f.identified)} confirmed by a reviewer and raised with providers (${money(f.realised)} recovered); ${money(f.dismissed)} dismissed.`
      );
  }
}
