import { formatDate, type IsoDate } from "../domain/dates.js";
import { formatMoney } from "../domain/money.js";
import { monthlySavingsChart, providerSavingsChart } from "./charts.js";
import { categorySentence, type FigureSet, type SavingsFigures } from "./figures.js";
import { savingsQueryString, type FieldError } from "./params.js";
import { periodLabel } from "../domain/months.js";
import { ruleLabel } from "../../rules/catalogue.js";
import { methodNotes } from "./savings.workbook.js";

/**
 * What savings.njk shows: every value already formatted (money "£1,234.56", months "Oct 2026"),
 * so the template needs no filters, and the two charts as SVG strings (include them with
 * `| safe`: charts.ts escapes every text inside them).
 */
export interface FormattedFigures {
  identified: string;
  realised: string;
  outstanding: string;
  atRisk: string;
  dismissed: string;
  findings: number;
}

export interface SavingsPageView {
  pageTitle: string;
  periodLabel: string;
  scopeLabel: string;
  generatedOn: string;
  form: {
    action: string;
    from: string;
    to: string;
    provider: string;
    providers: { value: string; text: string; selected: boolean }[];
    errors: FieldError[];
    errorFor: Record<string, string>;
  };
  downloadHref: string;
  headline: { id: string; label: string; period: string; yearToDate: string; annualised: string; hint: string }[];
  yearToDateLabel: string;
  annualisedLabel: string;
  annualisedBasis: string;
  totals: FormattedFigures;
  categories: ({ category: string; words: string; sentence: string } & FormattedFigures)[];
  months: ({ month: string; label: string; fees: string; errors: string; query: string } & FormattedFigures)[];
  providers: ({ providerId: string; name: string; queryPackHref: string | null; queryPackXlsxHref: string | null; confirmed: number } & FormattedFigures)[];
  rules: ({ rule: string; description: string; category: string } & FormattedFigures)[];
  monthlyChart: string;
  providerChart: string;
  notes: string[];
}

export interface SavingsPageOptions {
  /** The providers with something still owed: only they are offered a query pack (all when not given). */
  queryable?: ReadonlySet<string>;
  /** Every provider, for the filter. */
  providers: readonly { providerId: string; name: string }[];
  /** Where the page, its download and the query packs are mounted; default "/reports". */
  basePath?: string;
  errors?: FieldError[];
  /** What was typed in the form (shown again); defaults to the period shown. */
  input?: { from: string; to: string; provider: string };
  generatedOn: IsoDate;
}

function formatted(f: FigureSet): FormattedFigures {
  return {
    identified: formatMoney(f.identified),
    realised: formatMoney(f.realised),
    outstanding: formatMoney(f.outstanding),
    atRisk: formatMoney(f.atRisk),
    dismissed: formatMoney(f.dismissed),
    findings: f.findings,
  };
}

export function savingsPageView(figures: SavingsFigures, options: SavingsPageOptions): SavingsPageView {
  const base = options.basePath ?? "/reports";
  const providerName = figures.providerId ? (options.providers.find((p) => p.providerId === figures.providerId)?.name ?? figures.providerId) : null;
  const input = options.input ?? { from: figures.period.from, to: figures.period.to, provider: figures.providerId ?? "" };
  const errors = options.errors ?? [];
  const { totals, yearToDate, annualised } = figures;
  const annualisedMoney = (value: string | null): string => (value === null ? "Not available" : formatMoney(value));
  // The provider id is a path segment: /reports/query-pack/P1 and /reports/query-pack/P1.xlsx.
  const packHref = (providerId: string, xlsx: boolean): string => `${base}/query-pack/${encodeURIComponent(providerId)}${xlsx ? ".xlsx" : ""}`;
  return {
    pageTitle: "Savings",
    periodLabel: figures.period.label,
    scopeLabel: providerName ? `${providerName}` : "All providers",
    generatedOn: formatDate(options.generatedOn),
    form: {
      action: `${base}/savings`,
      from: input.from,
      to: input.to,
      provider: input.provider,
      providers: [
        { value: "", text: "All providers", selected: input.provider === "" },
        ...options.providers.map((p) => ({ value: p.providerId, text: p.name, selected: p.providerId === input.provider })),
      ],
      errors,
      errorFor: Object.fromEntries(errors.map((e) => [e.field, e.text])),
    },
    downloadHref: `${base}/savings.xlsx?${savingsQueryString(figures.period, figures.providerId)}`,
    headline: [
      { id: "identified", label: "Savings identified", period: formatMoney(totals.identified), yearToDate: formatMoney(yearToDate.totals.identified), annualised: annualisedMoney(annualised.identified), hint: "Confirmed with the provider or recovered" },
      { id: "realised", label: "Savings realised", period: formatMoney(totals.realised), yearToDate: formatMoney(yearToDate.totals.realised), annualised: annualisedMoney(annualised.realised), hint: "Money recovered by credit note or deduction" },
      { id: "outstanding", label: "Identified, not yet recovered", period: formatMoney(totals.outstanding), yearToDate: formatMoney(yearToDate.totals.outstanding), annualised: "", hint: "Raised with the provider, money still owed" },
      { id: "at-risk", label: "Money at risk", period: formatMoney(totals.atRisk), yearToDate: formatMoney(yearToDate.totals.atRisk), annualised: "", hint: "Awaiting a decision: not yet a saving" },
      { id: "dismissed", label: "Dismissed", period: formatMoney(totals.dismissed), yearToDate: formatMoney(yearToDate.totals.dismissed), annualised: "", hint: "Not a saving" },
    ],
    yearToDateLabel: yearToDate.label,
    annualisedLabel: periodLabel({ from: annualised.from, to: annualised.to }),
    annualisedBasis: annualised.basis,
    totals: formatted(totals),
    categories: figures.byCategory.map((c) => ({ category: c.category, words: c.words, sentence: categorySentence(c), ...formatted(c.figures) })),
    months: figures.byMonth.map((m) => ({
      month: m.month,
      label: m.label,
      ...formatted(m.totals),
      fees: formatMoney(m.byCategory.fees.identified),
      errors: formatMoney(m.byCategory.errors.identified),
      query: formatMoney(m.byCategory.query.identified),
    })),
    providers: figures.byProvider.map((p) => ({
      providerId: p.providerId,
      name: p.name,
      queryPackHref: !options.queryable || options.queryable.has(p.providerId) ? packHref(p.providerId, false) : null,
      queryPackXlsxHref: !options.queryable || options.queryable.has(p.providerId) ? packHref(p.providerId, true) : null,
      confirmed: p.totals.identifiedCount - p.totals.recoveredCount,
      ...formatted(p.totals),
    })),
    rules: figures.byRule.map((r) => ({ rule: r.rule, description: ruleLabel(r.rule), category: r.category, ...formatted(r.totals) })),
    monthlyChart: monthlySavingsChart(figures.byMonth, { id: "chart-savings-by-month" }),
    providerChart: providerSavingsChart(figures.byProvider, { id: "chart-savings-by-provider" }),
    notes: methodNotes(figures),
  };
}
