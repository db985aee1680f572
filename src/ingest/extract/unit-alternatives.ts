import { dayFromIso } from "../../domain/dates.js";
import { Dec } from "../../domain/money.js";
import type { Unit } from "../../domain/reference.js";
import type { DraftLine, UncertainField } from "../types.js";

/**
 * A quantity heading naming two units ("Weeks / Hrs"): the column holds weeks on some lines and
 * hours on others, and no cell says which. A line's own period settles it where only one reading
 * fits: a quantity that is the period's nights counted in weeks (30 nights as 4.2857) is weeks;
 * a quantity of more weeks than the period holds (2 over one day) is the other unit. Anything
 * else is marked with both units, never guessed.
 */
export interface UnitChoice {
  line: DraftLine;
  /** The units the line's quantity heading names (two or more), when the line printed none. */
  choices: readonly Unit[];
}

/** Nights from `from` to `to`, both dates of nights billed (DATA.md: inclusive). */
function nightsOf(line: DraftLine): number | null {
  if (line.from === null || line.to === null || line.to < line.from) return null;
  return dayFromIso(line.to) - dayFromIso(line.from) + 1;
}

function settle(quantity: Dec, nights: number, choices: readonly Unit[]): Unit | null {
  if (!choices.includes("week")) return null;
  const others = choices.filter((unit) => unit !== "week");
  // The period's weeks to the places the quantity prints (at least two): 30 nights → 4.29 or 4.2857.
  const places = Math.max(2, quantity.decimalPlaces());
  if (new Dec(nights).div(7).toDecimalPlaces(places, Dec.ROUND_HALF_UP).eq(quantity)) return "week";
  // More weeks than the period holds, even counting a part week as whole: not weeks.
  if (quantity.mul(7).gt(nights + 6) && others.length === 1) return others[0] ?? null;
  return null;
}

export function settleUnitChoices(choices: readonly UnitChoice[], notes: string[]): UncertainField[] {
  const uncertain: UncertainField[] = [];
  for (const { line, choices: units } of choices) {
    if (line.unit !== null || line.quantity === null) continue;
    const nights = nightsOf(line);
    const unit = nights === null ? null : settle(line.quantity, nights, units);
    if (unit !== null) {
      line.unit = unit;
      line.evidence.unit = { via: "heading", label: `quantity against the line's period (${units.join(" or ")})`, where: line.source };
      notes.push(`Line ${line.lineNo}: the quantity heading names ${units.join(" and ")}; ${line.quantity.toString()} over the line's period is counted in ${unit}s.`);
      continue;
    }
    uncertain.push({
      code: "uncertain_value",
      field: `line ${line.lineNo} unit`,
      reason: `${line.source}: the quantity heading names ${units.join(" and ")} and neither the line nor its period says which ${line.quantity.toString()} counts`,
      candidates: [...units],
    });
  }
  return uncertain;
}
