import type { Category, RuleId } from "../src/audit/rule-kit.js";

/**
 * Where a rule takes its turn in AUDIT.md's waterfall. A rule of the lines' waterfall may take
 * part in the fee lines' steps, the extras' steps or both (arithmetic-error is step 1 of each).
 */
export type RuleStage =
  | { readonly kind: "invoice-gate" }
  | { readonly kind: "line-gate" }
  | { readonly kind: "line-steps"; readonly feeStep: number | null; readonly extraStep: number | null }
  | { readonly kind: "invoice-check" };

/** One rule as people read about it: on the findings filter, the Rules page, the savings workbook and the README. */
export interface CatalogueEntry {
  readonly id: RuleId;
  /** The savings category of its findings (AUDIT.md "Categories"). */
  readonly category: Category;
  readonly stage: RuleStage;
  /** The name people read, in sentence case ("VAT overcharge"). */
  readonly label: string;
  /** What it checks and what its finding is, in a sentence or three. */
  readonly checks: string;
  /** A worked example, figures to the penny (AUDIT.md "Worked examples" where it has one). */
  readonly example: string;
}

/**
 * Every rule of the audit, in waterfall order: the order in which rules/index.ts runs them
 * (the invoice gate, the line gate, the lines' steps, the whole-invoice checks), so that a
 * list in this order reads the way the audit explains each pound. The examples share AUDIT.md's
 * placement: child C1001 placed with an IFA since 2 Mar 2026 at £917.00 a week (£131.00 a
 * night), absence retainer 80% for at most 14 nights, VAT exempt; an October line bills
 * 1–31 Oct, 31 nights @ £131.00 = £4,061.00.
 */
export const CATALOGUE = [
  {
    id: "duplicate-invoice",
    category: "errors",
    stage: { kind: "invoice-gate" },
    label: "Duplicate invoice",
    checks:
      "An invoice with the same provider and invoice number as an earlier invoice that no credit note voided. Its whole total is the finding; nothing else on the copy is audited and its nights do not count as billed.",
    example: "Invoice OAK-1001 for £4,061.00 arrives again as another file: duplicate-invoice £4,061.00 on the copy.",
  },
  {
    id: "unmatched-line",
    category: "query",
    stage: { kind: "line-gate" },
    label: "Unmatched line",
    checks:
      "A fee line or extra whose child reference, placement id or PO number matches no placement of the invoicing provider. A query for the printed amount, and nothing else on the line.",
    example: "A line for child C9999, whom the provider does not look after, charging £4,061.00: unmatched-line £4,061.00.",
  },
  {
    id: "arithmetic-error",
    category: "errors",
    stage: { kind: "line-steps", feeStep: 1, extraStep: 1 },
    label: "Arithmetic error",
    checks:
      "The printed amount is more than quantity × unit rate, rounded half up to the penny. The finding is the printed amount less the exact quantity × rate (rounded once, at the end, like every finding); from here on the line is worth quantity × rate, unrounded. An amount below quantity × rate is an undercharge, noted on the invoice.",
    example: "31 nights @ £131.00 = £4,061.00 printed as £4,161.00: arithmetic-error £100.00.",
  },
  {
    id: "quantity-exceeds-period",
    category: "errors",
    stage: { kind: "line-steps", feeStep: 2, extraStep: null },
    label: "Quantity exceeds period",
    checks:
      "A fee line's quantity in nights (weeks × 7) is more than the nights of its period by more than 0.1. The finding is the excess nights × the charged nightly rate (the rate, or the rate ÷ 7 for weeks); what is left is shared among the nights billed.",
    example: "5 weeks @ £917.00 = £4,585.00 for 1–31 Oct: 35 − 31 = 4 nights too many at £131.00 a night, quantity-exceeds-period £524.00.",
  },
  {
    id: "duplicate-billing",
    category: "errors",
    stage: { kind: "line-steps", feeStep: 3, extraStep: 2 },
    label: "Duplicate billing",
    checks:
      "Nights already billed for the same child by an earlier line of the same provider (an earlier line of this invoice, or a line of an earlier invoice no credit note voided), whatever was found on that line; for an extra, an earlier line of the same item (extras no keyword recognises are the same item when their descriptions match, ignoring case, spacing and punctuation). The finding is what is charged for those nights; they drop out.",
    example: "1–31 Oct billed again on a later invoice at £4,061.00: duplicate-billing 31 × £131.00 = £4,061.00 on the later one.",
  },
  {
    id: "outside-placement",
    category: "errors",
    stage: { kind: "line-steps", feeStep: 4, extraStep: 3 },
    label: "Outside placement",
    checks:
      "Nights on which the child has no placement with this provider: before the start, from the end date, between placements. The finding is what is charged for those nights; they drop out.",
    example: "The placement ended on 20 Oct (nights 1–19 Oct placed): outside-placement 12 × £131.00 = £1,572.00.",
  },
  {
    id: "no-agreed-rate",
    category: "query",
    stage: { kind: "line-steps", feeStep: 5, extraStep: null },
    label: "No agreed rate",
    checks:
      "Nights with no agreed fee at all: no placement fee row, no weekly fee and no rate-card rate for the placement's service level. A query for what is charged for those nights; they drop out.",
    example: "The placement has no weekly fee and the contract no placement rate for its service level: no-agreed-rate 31 × £131.00 = £4,061.00.",
  },
  {
    id: "absence-not-at-retainer",
    category: "fees",
    stage: { kind: "line-steps", feeStep: 6, extraStep: null },
    label: "Absence not at retainer",
    checks:
      "Nights of absence charged above the retainer the contract pays. The finding is, night by night, what is charged up to the agreed nightly fee less the retainer (the agreed nightly fee × the retainer percentage, or nothing after the retainer's last night).",
    example: "In hospital 3–22 Oct (20 nights), billed in full: 14 × £131.00 × 20% + 6 × £131.00 = £366.80 + £786.00, absence-not-at-retainer £1,152.80.",
  },
  {
    id: "uplift-before-effective-date",
    category: "fees",
    stage: { kind: "line-steps", feeStep: 7, extraStep: null },
    label: "Uplift before effective date",
    checks:
      "Step 7 when the charged nightly rate is, within a penny, an agreed fee that takes effect later for the placement (a later placement fee row, or a later rate-card rate for its service level): what is charged above the agreed fee, raised as an uplift charged early in place of rate-above-agreed.",
    example: "An uplift to £945.00 a week (£135.00 a night) from 1 Nov; October billed 31 @ £135.00 = £4,185.00: uplift-before-effective-date 31 × £4.00 = £124.00.",
  },
  {
    id: "rate-above-agreed",
    category: "fees",
    stage: { kind: "line-steps", feeStep: 7, extraStep: null },
    label: "Rate above agreed",
    checks:
      "What is left of the charge over the nights still in, less the agreed fee for them (the agreed nightly fee × the absence factor), when more: nights charged below their agreed fee offset nights charged above it.",
    example: "31 nights @ £140.00 = £4,340.00 where £131.00 a night is agreed: rate-above-agreed 31 × £9.00 = £279.00.",
  },
  {
    id: "discount-not-applied",
    category: "fees",
    stage: { kind: "line-steps", feeStep: 8, extraStep: null },
    label: "Discount not applied",
    checks:
      "The discounts in force (percentage, sibling, volume, length of stay; together at most 100%) against what the agreed fee comes to after them, less the discount the invoice credits the line. A credit larger than the discount due is an undercharge, noted.",
    example: "A 5% percentage discount and no discount line: discount-not-applied 31 × £131.00 × 5% = £203.05.",
  },
  {
    id: "extra-not-agreed",
    category: "query",
    stage: { kind: "line-steps", feeStep: null, extraStep: 4 },
    label: "Extra not agreed",
    checks:
      "An extra with no package for its item in force and no rate-card rate for it, or whose description names no known item. A query for what is left of the line.",
    example: "4 therapy sessions @ £60.00 = £240.00 with no therapy package and no therapy rate on the contract: extra-not-agreed £240.00.",
  },
  {
    id: "extra-rate-above-agreed",
    category: "fees",
    stage: { kind: "line-steps", feeStep: null, extraStep: 5 },
    label: "Extra rate above agreed",
    checks: "An extra's unit rate above the agreed rate (the package's, else the contract rate card's): the difference × the quantity still in.",
    example: "50 hours of 1:1 @ £26.00 = £1,300.00 where the package agrees £24.00 an hour: extra-rate-above-agreed 50 × £2.00 = £100.00.",
  },
  {
    id: "extra-quantity-above-agreed",
    category: "fees",
    stage: { kind: "line-steps", feeStep: null, extraStep: 6 },
    label: "Extra quantity above agreed",
    checks: "More of an extra than the package's weekly maximum allows over the placed nights: (quantity still in − maximum a week × placed nights ÷ 7) × the agreed rate.",
    example: "The same 50 hours where the package allows 10 hours a week: (50 − 10 × 31 ÷ 7) × £24.00 = 5.714… × £24.00, extra-quantity-above-agreed £137.14.",
  },
  {
    id: "vat-overcharge",
    category: "errors",
    stage: { kind: "invoice-check" },
    label: "VAT overcharge",
    checks:
      "VAT charged above the VAT due: the VAT rate (20%, configurable) of the printed amounts, less their discount credit, of the lines whose contract is not VAT exempt; nothing when the provider has no VAT number.",
    example: "VAT of £812.20 added to the £4,061.00 line of a VAT-exempt contract: vat-overcharge £812.20.",
  },
  {
    id: "total-mismatch",
    category: "errors",
    stage: { kind: "invoice-check" },
    label: "Total mismatch",
    checks: "The total due is more than the printed line amounts (discount lines included) plus the VAT printed: the difference.",
    example: "A total of £4,100.00 with lines of £4,061.00 and no VAT: total-mismatch £39.00.",
  },
] as const satisfies readonly CatalogueEntry[];

/** A compile error here names a rule of src/domain/finding.ts missing from the catalogue. */
type Missing = Exclude<RuleId, (typeof CATALOGUE)[number]["id"]>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

const BY_ID = new Map<string, CatalogueEntry>(CATALOGUE.map((entry) => [entry.id, entry]));

/** The label people read ("VAT overcharge"); the id itself for a string that is no rule. */
export function ruleLabel(rule: string): string {
  return BY_ID.get(rule)?.label ?? rule;
}

/** Each rule's category, for the engine's findings. */
export const RULE_CATEGORIES: Readonly<Record<RuleId, Category>> = Object.fromEntries(CATALOGUE.map((entry) => [entry.id, entry.category])) as Record<RuleId, Category>;

/** The rule ids in waterfall order. */
export const RULE_ORDER: readonly RuleId[] = CATALOGUE.map((entry) => entry.id);

/** "Fee lines, step 3; extras, step 2", as the Rules page and the README say where a rule runs. */
export function stageText(stage: RuleStage): string {
  switch (stage.kind) {
    case "invoice-gate":
      return "Whole invoice, before its lines";
    case "line-gate":
      return "Each line, before its steps";
    case "line-steps": {
      const parts: string[] = [];
      if (stage.feeStep !== null) parts.push(`fee lines, step ${stage.feeStep}`);
      if (stage.extraStep !== null) parts.push(`extras, step ${stage.extraStep}`);
      const text = parts.join("; ");
      return text.charAt(0).toUpperCase() + text.slice(1);
    }
    case "invoice-check":
      return "Whole invoice, after its lines";
  }
}

/** What it checks and its worked example, as one paragraph. */
export function checksText(entry: CatalogueEntry): string {
  return `${entry.checks} Example: ${entry.example}`;
}
